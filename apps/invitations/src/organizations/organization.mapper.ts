import { OrganizationDto, OrganizationRefDto, TokenSettingsDto } from '@app/contracts';
import { OrganizationEntity } from './organization.entity';

/** `active_organization_meta`: Label Studio shows an empty email once the owner is gone. */
export function toOrganizationRef(organization: OrganizationEntity): OrganizationRefDto {
  return { id: organization.id, title: organization.title, ownerEmail: organization.createdByEmail ?? '' };
}

/** Label Studio's `OrganizationSerializer`; `users` are member ids, soft-deleted ones included. */
export function toOrganizationDto(organization: OrganizationEntity, users: number[]): OrganizationDto {
  return {
    id: organization.id,
    title: organization.title,
    token: organization.token,
    createdAt: organization.createdAt.toISOString(),
    updatedAt: organization.updatedAt.toISOString(),
    contactInfo: organization.contactInfo,
    createdBy: organization.createdById,
    users,
  };
}

/** Label Studio's `JWTSettings` of an organization. */
export function toTokenSettings(organization: OrganizationEntity): TokenSettingsDto {
  return {
    organizationId: organization.id,
    apiTokensEnabled: organization.apiTokensEnabled,
    legacyApiTokensEnabled: organization.legacyApiTokensEnabled,
  };
}
