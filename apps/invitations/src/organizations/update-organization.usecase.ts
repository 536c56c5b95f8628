import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { ErrorCode, OrganizationDto } from '@app/contracts';
import { fail } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { BusCaller } from '../memberships/membership-requests.schema';
import { NO_PERMISSION } from '../memberships/memberships.access';
import {
  recordMembershipsChanged,
  usersWithActiveOrganization,
} from '../read-model/user-memberships.projection';
import { NO_ORGANIZATION, OrganizationAccess } from './organization-access';
import { OrganizationRepository } from './organization.repository';
import { UpdateOrganizationInput } from './organization-requests.schema';
import { ReadOrganizationsUseCase } from './read-organizations.usecase';

/** DRF's UniqueValidator text for `Organization.token`. */
export const TOKEN_TAKEN = 'organization with this token already exists.';

const isDuplicateToken = (error: unknown): boolean => {
  if (!(error instanceof QueryFailedError)) return false;
  const fields = error.driverError as { code?: string; constraint?: string };
  return (
    fields.code === '23505' &&
    (fields.constraint === 'organization_token_key' || fields.constraint === 'organization_token_digest_key')
  );
};

/**
 * `PATCH /api/organizations/{id}`: title, contact info and (as in Label Studio) the invite token.
 * A new token is an invite-link reset by another name: the row is locked for update like a reset,
 * so racing signups see either the old token or the new one, never a half.
 */
@Injectable()
export class UpdateOrganizationUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationRepository,
    private readonly access: OrganizationAccess,
    private readonly read: ReadOrganizationsUseCase,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async execute(input: UpdateOrganizationInput, caller: BusCaller): Promise<OrganizationDto> {
    if (caller === undefined) fail(ErrorCode.Forbidden, NO_PERMISSION);
    const { organizationId, ...change } = input;
    await this.access.visible(organizationId, caller);
    const changed = Object.entries(change)
      .filter(([, value]) => value !== undefined)
      .map(([field]) => field);
    try {
      await this.dataSource.transaction(async (manager) => {
        if (!(await this.organizations.lock(manager, organizationId, 'update')))
          fail(ErrorCode.NotFound, NO_ORGANIZATION);
        await this.organizations.update(manager, organizationId, change);
        // The title is part of what its users see as their active organization (read model).
        if (change.title !== undefined) {
          await recordMembershipsChanged(
            manager,
            await usersWithActiveOrganization(manager, [organizationId]),
          );
        }
        await this.audit.record(
          {
            action: 'organization.update',
            actor: caller,
            details: {
              organizationId,
              fields: changed.join(','),
              inviteTokenChanged: change.token !== undefined,
            },
          },
          manager,
        );
      });
    } catch (error) {
      if (isDuplicateToken(error)) fail(ErrorCode.Conflict, 'Validation error', { token: [TOKEN_TAKEN] });
      throw error;
    }
    this.relay.kick();
    return this.read.get(organizationId, caller);
  }
}
