import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ErrorCode, ParsedRequestOf, InvitationsSubjects, TokenSettingsDto } from '@app/contracts';
import { fail } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { MembershipsAccess } from '../memberships/memberships.access';
import { UserContextRepository } from '../memberships/user-context.repository';
import { NO_ORGANIZATION } from '../organizations/organization-access';
import { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationRepository } from '../organizations/organization.repository';
import { toTokenSettings } from '../organizations/organization.mapper';
import {
  recordMembershipsChanged,
  usersWithActiveOrganization,
} from '../read-model/user-memberships.projection';

type UpdateTokenSettings = ParsedRequestOf<typeof InvitationsSubjects.updateTokenSettings>;

/**
 * `GET/POST /api/jwt/settings`: the token settings of the caller's active organization. Label
 * Studio Community lets any active member read and change them (`organizations.view` /
 * `organizations.change`, granted to everyone, then the organization's object permission).
 */
@Injectable()
export class TokenSettingsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contexts: UserContextRepository,
    private readonly organizations: OrganizationRepository,
    private readonly access: MembershipsAccess,
    private readonly audit: AuditLogRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async get(caller: number): Promise<TokenSettingsDto> {
    const organization = await this.activeOrganization(this.dataSource.manager, caller);
    return toTokenSettings(organization);
  }

  async update(change: UpdateTokenSettings, caller: number): Promise<TokenSettingsDto> {
    const organizationId = (await this.activeOrganization(this.dataSource.manager, caller)).id;
    const updated = await this.dataSource.transaction(async (manager) => {
      const organization =
        (await this.organizations.lock(manager, organizationId, 'update')) ??
        fail(ErrorCode.NotFound, NO_ORGANIZATION);
      const next = {
        apiTokensEnabled: change.apiTokensEnabled ?? organization.apiTokensEnabled,
        legacyApiTokensEnabled: change.legacyApiTokensEnabled ?? organization.legacyApiTokensEnabled,
      };
      await manager.update(OrganizationEntity, { id: organizationId }, next);
      // Every gateway replica learns them with the members' read model (whose active organization it is).
      await recordMembershipsChanged(manager, await usersWithActiveOrganization(manager, [organizationId]));
      await this.audit.record(
        { action: 'organization.token-settings', actor: caller, details: { organizationId, ...next } },
        manager,
      );
      return { ...organization, ...next };
    });
    this.relay.kick();
    return toTokenSettings(updated);
  }

  private async activeOrganization(manager: EntityManager, caller: number): Promise<OrganizationEntity> {
    const organizationId =
      (await this.contexts.activeOrganizationId(manager, caller)) ??
      fail(ErrorCode.NotFound, NO_ORGANIZATION);
    await this.access.assertActiveMember(organizationId, caller);
    return (await this.organizations.findById(organizationId)) ?? fail(ErrorCode.NotFound, NO_ORGANIZATION);
  }
}
