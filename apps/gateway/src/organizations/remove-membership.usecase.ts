import { Injectable } from '@nestjs/common';
import { InvitationsSubjects } from '@app/contracts';
import { BusClient } from '@app/bus';
import { GatewayReadModel } from '../read-model/gateway-read-model';

/**
 * `DELETE /api/organizations/{id}/memberships/{user_id}/`: invitations soft-deletes the membership
 * (with Label Studio's checks). A member left without any organization may no longer sign in —
 * Label Studio lets them, this project does not — so invitations asks identity to deactivate the
 * account at once (ending their sessions and stopping their token), and its durable member-removed
 * event does the same later if identity cannot be reached now. The gateway itself has no right to
 * deactivate anyone.
 */
@Injectable()
export class RemoveMembershipUseCase {
  constructor(
    private readonly bus: BusClient,
    private readonly model: GatewayReadModel,
  ) {}

  async execute(organizationId: number, userId: number, callerId: number): Promise<void> {
    const { remainingActiveMemberships } = await this.bus.request(
      InvitationsSubjects.removeMember,
      { organizationId, userId },
      { caller: callerId },
    );
    // Left without an organization: refused on this replica before the answer leaves.
    if (remainingActiveMemberships === 0) this.model.deactivate(userId);
  }
}
