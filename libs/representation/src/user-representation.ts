import { AccountDto, MembershipContextDto, ProfileDto } from '@app/contracts';

/**
 * Label Studio's user representation (`BaseUserSerializer`), in its field order. Shared by every
 * place that shows a user: the gateway's API and the admin CLI's `label-studio user`.
 */
export interface UserJson {
  id: number;
  first_name: string;
  last_name: string;
  username: string;
  email: string;
  last_activity: string | null;
  custom_hotkeys: Record<string, unknown>;
  avatar: string | null;
  initials: string;
  phone: string;
  active_organization: number | null;
  active_organization_meta: { title: string; email: string };
  allow_newsletters: boolean | null;
  date_joined: string;
}

/** Every permission string of Label Studio Community; every member holds all of them. */
export const ALL_PERMISSIONS = [
  'organizations.create',
  'organizations.view',
  'organizations.change',
  'organizations.delete',
  'organizations.invite',
  'projects.create',
  'projects.view',
  'projects.change',
  'projects.delete',
  'tasks.create',
  'tasks.view',
  'tasks.change',
  'tasks.delete',
  'annotations.create',
  'annotations.view',
  'annotations.change',
  'annotations.delete',
  'actions.perform',
  'predictions.any',
  'avatar.any',
  'labels.create',
  'labels.view',
  'labels.change',
  'labels.delete',
  'models.create',
  'models.view',
  'models.change',
  'models.delete',
  'model_provider_connection.create',
  'model_provider_connection.view',
  'model_provider_connection.change',
  'model_provider_connection.delete',
] as const;

/** The first `n` characters as Python slices them (code points: an emoji is not cut in half). */
const head = (text: string, n: number) => Array.from(text).slice(0, n).join('');

/** Label Studio's `get_initials`. */
export function initials(firstName: string, lastName: string, email: string): string {
  if (!firstName && !lastName) return head(email, 2);
  if (firstName && !lastName) return head(firstName, 1);
  if (!firstName && lastName) return head(lastName, 1);
  return head(firstName, 1) + head(lastName, 1);
}

const emptyProfile = (userId: number): ProfileDto => ({
  userId,
  firstName: '',
  lastName: '',
  phone: '',
  allowNewsletters: null,
  customHotkeys: {},
  avatar: null,
  lastActivity: null,
});

export interface RenderOptions {
  /** Prefix for avatar paths (Label Studio's HOSTNAME). */
  publicHost: string;
  /** The user's membership in the viewer's organization is soft-deleted. */
  deleted?: boolean;
}

/**
 * Builds the representation from the three services' parts. A profile that is not there yet
 * (its creation event still on the way) renders as empty fields rather than failing.
 */
export function renderUser(
  account: AccountDto,
  profile: ProfileDto | undefined,
  context: MembershipContextDto | undefined,
  options: RenderOptions,
): UserJson {
  const p = profile ?? emptyProfile(account.id);
  const org = context?.activeOrganization ?? null;
  const base: UserJson = {
    id: account.id,
    first_name: p.firstName,
    last_name: p.lastName,
    username: account.username,
    email: account.email,
    last_activity: p.lastActivity,
    custom_hotkeys: p.customHotkeys,
    avatar: p.avatar ? `${options.publicHost}${p.avatar}` : null,
    initials: initials(p.firstName, p.lastName, account.email),
    phone: p.phone,
    active_organization: org?.id ?? null,
    active_organization_meta: org ? { title: org.title, email: org.ownerEmail } : { title: '', email: '' },
    allow_newsletters: p.allowNewsletters,
    date_joined: account.dateJoined,
  };
  if (!options.deleted) return base;
  // Label Studio renders a removed member without their personal data.
  return {
    ...base,
    username: `deleted-${account.id}`,
    first_name: 'Deleted',
    last_name: `User ${account.id}`,
    email: `deleted-${account.id}-user@example.com`,
    initials: 'DU',
    avatar: null,
    phone: '',
  };
}
