import { Injectable, Logger } from '@nestjs/common';
import { IdentitySubjects, InvitationsSubjects } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';

/**
 * `DELETE /api/organizations/{id}/memberships/{user_id}/`: invitations soft-deletes the membership
 * (with Label Studio's checks). A member left without any organization may no longer sign in —
 * Label Studio lets them, this project does not — so identity deactivates the account at once,
 * which ends their sessions and stops their token. Invitations also publishes the removal
 * durably and identity acts on that event, so if identity cannot be reached now the deactivation
 * still happens when it is back; the removal itself has been done and is reported as done.
 */
@Injectable()
export class RemoveMembershipUseCase {
  private readonly logger = new Logger('RemoveMembership');

  constructor(private readonly bus: BusClient) {}

  async execute(organizationId: number, userId: number, callerId: number): Promise<void> {
    const { remainingActiveMemberships } = await this.bus.request(
      InvitationsSubjects.removeMember,
      { organizationId, userId },
      { caller: callerId },
    );
    if (remainingActiveMemberships > 0) return;
    try {
      await this.bus.request(IdentitySubjects.setActive, { userId, active: false }, { caller: callerId });
    } catch (error) {
      if (!(error instanceof BusError)) throw error;
      this.logger.warn(
        { userId, code: error.code },
        'Deactivation of a removed member deferred to the member-removed event',
      );
    }
  }
}
