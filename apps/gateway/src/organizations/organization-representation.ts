import { InviteLinkDto, OrganizationDto } from '@app/contracts';

/** Label Studio's `OrganizationSerializer` (`fields='__all__'`), in its field order. */
export interface OrganizationJson {
  id: number;
  title: string;
  token: string;
  created_at: string;
  updated_at: string;
  contact_info: string | null;
  allow_unsafe_instruction_tags: boolean;
  created_by: number | null;
  users: number[];
}

export function renderOrganization(organization: OrganizationDto): OrganizationJson {
  return {
    id: organization.id,
    title: organization.title,
    token: organization.token,
    created_at: organization.createdAt,
    updated_at: organization.updatedAt,
    contact_info: organization.contactInfo,
    // Read-only in Label Studio and never set by this system.
    allow_unsafe_instruction_tags: false,
    created_by: organization.createdBy,
    users: organization.users,
  };
}

/** `GET /api/organizations/`: `OrganizationIdSerializer`. */
export function renderOrganizationListItem(organization: OrganizationDto) {
  return {
    id: organization.id,
    title: organization.title,
    contact_info: organization.contactInfo,
    created_at: organization.createdAt,
  };
}

/**
 * `{token, invite_url}`. Label Studio's `GET /api/invite` strips the script prefix (the path of
 * LABEL_STUDIO_HOST) from the link and `reset-token` keeps it; both are reproduced. The token is
 * URL-encoded, which changes nothing for generated tokens (letters and digits) and keeps a token
 * set through PATCH from breaking the link.
 */
export function renderInviteLink(link: InviteLinkDto, scriptPrefix = '') {
  return {
    token: link.token,
    invite_url: `${scriptPrefix}/user/signup/?token=${encodeURIComponent(link.token)}`,
  };
}

/** The path part of LABEL_STUDIO_HOST (Django's FORCE_SCRIPT_NAME), without a trailing slash. */
export function scriptPrefixOf(publicHost: string): string {
  if (!publicHost) return '';
  try {
    return new URL(publicHost).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}
