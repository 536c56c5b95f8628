import { OrganizationRefDto } from '@app/contracts';
import { OrganizationEntity } from './organization.entity';

/** `active_organization_meta`: Label Studio shows an empty email once the owner is gone. */
export function toOrganizationRef(organization: OrganizationEntity): OrganizationRefDto {
  return { id: organization.id, title: organization.title, ownerEmail: organization.createdByEmail ?? '' };
}
