import { Injectable } from '@nestjs/common';
import { InvitationsSubjects } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';
import { refusal } from '../users/find-user';

/** The signup link path of an invite token (Label Studio's `/api/invite` `invite_url`). */
export const inviteUrlPath = (token: string): string => `/user/signup/?token=${encodeURIComponent(token)}`;

/**
 * `label-studio invite_link [--reset]`: the invitation link of the first organization (the one
 * Label Studio Community has). A reset makes the old link stop working at once.
 */
@Injectable()
export class InviteLinkUseCase {
  constructor(private readonly bus: AdminBus) {}

  async execute(reset: boolean): Promise<string> {
    const contract = reset
      ? InvitationsSubjects.operatorResetInviteLink
      : InvitationsSubjects.operatorGetInviteLink;
    try {
      const link = await this.bus.request(contract, {});
      return inviteUrlPath(link.token);
    } catch (error) {
      throw refusal(error);
    }
  }
}
