import { Injectable } from '@nestjs/common';
import { ErrorCode, InvitationsSubjects } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { GatewayReadModel, UserTokenSettings } from '../read-model/gateway-read-model';

/**
 * The token settings of a user's active organization (may they use API tokens, legacy tokens?),
 * from the read model, or from invitations when the model cannot tell.
 */
@Injectable()
export class TokenSettings {
  constructor(
    private readonly bus: BusClient,
    private readonly model: GatewayReadModel,
  ) {}

  async of(userId: number): Promise<UserTokenSettings> {
    const known = this.model.tokenSettings(userId);
    if (known) return known;
    try {
      const { organizationId, apiTokensEnabled, legacyApiTokensEnabled } = await this.bus.request(
        InvitationsSubjects.getTokenSettings,
        {},
        { caller: userId },
      );
      return { organizationId, settings: { apiTokensEnabled, legacyApiTokensEnabled } };
    } catch (error) {
      // No active organization (or no longer a member of it).
      if (
        error instanceof BusError &&
        (error.code === ErrorCode.NotFound || error.code === ErrorCode.Forbidden)
      ) {
        return { organizationId: null, settings: null };
      }
      throw error;
    }
  }
}
