import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode, InviteLinkDto } from '@app/contracts';
import { fail } from '@app/bus';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { BusCaller } from '../memberships/membership-requests.schema';
import { newInviteToken } from '../organizations/invite-token';
import { OrganizationRepository } from '../organizations/organization.repository';
import { InviteLinkInput } from './invite-link.schema';
import { NO_ORGANIZATION } from '../organizations/organization-access';
import { InviteLinkTarget } from './invite-link-target';

/**
 * `POST /api/invite/reset-token`: a new link; the old one is refused from the commit on, on every
 * replica (signups read the row; nothing caches it). The row is locked first, so the reset waits
 * for signups that already checked the old token under their share lock, and every later one
 * reads the new token.
 */
@Injectable()
export class ResetInviteLinkUseCase {
  private readonly logger = new Logger(ResetInviteLinkUseCase.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly target: InviteLinkTarget,
    private readonly organizations: OrganizationRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  async execute(input: InviteLinkInput, caller: BusCaller): Promise<InviteLinkDto> {
    const organizationId = await this.target.organizationId(input, caller);
    const token = newInviteToken();
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.organizations.lock(manager, organizationId, 'update')))
        fail(ErrorCode.NotFound, NO_ORGANIZATION);
      await this.organizations.replaceInviteToken(manager, organizationId, token);
      await this.audit.record(
        { action: 'invite.reset', actor: caller, details: { organizationId } },
        manager,
      );
    });
    this.logger.log({ organizationId, actor: caller ?? null }, 'Invite link reset');
    return { organizationId, token };
  }
}
