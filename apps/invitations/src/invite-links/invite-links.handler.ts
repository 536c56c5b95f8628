import { MessagePattern, Payload } from '@nestjs/microservices';
import { InvitationsSubjects, InviteLinkDto } from '@app/contracts';
import { BusController, Caller, parsePayload } from '@app/bus';
import { BusCaller } from '../memberships/membership-requests.schema';
import { GetInviteLinkUseCase } from './get-invite-link.usecase';
import { inviteLinkSchema } from './invite-link.schema';
import { ResetInviteLinkUseCase } from './reset-invite-link.usecase';

@BusController()
export class InviteLinksHandler {
  constructor(
    private readonly getInviteLink: GetInviteLinkUseCase,
    private readonly resetInviteLink: ResetInviteLinkUseCase,
  ) {}

  @MessagePattern(InvitationsSubjects.getInviteLink.subject)
  get(@Payload() payload: unknown, @Caller() caller: BusCaller): Promise<InviteLinkDto> {
    return this.getInviteLink.execute(parsePayload(inviteLinkSchema, payload), caller);
  }

  @MessagePattern(InvitationsSubjects.resetInviteLink.subject)
  reset(@Payload() payload: unknown, @Caller() caller: BusCaller): Promise<InviteLinkDto> {
    return this.resetInviteLink.execute(parsePayload(inviteLinkSchema, payload), caller);
  }
}
