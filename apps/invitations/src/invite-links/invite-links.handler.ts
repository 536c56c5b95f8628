import { MessagePattern, Payload } from '@nestjs/microservices';
import { InvitationsSubjects, InviteLinkDto } from '@app/contracts';
import { BusController, Caller, parseRequest } from '@app/bus';
import { GetInviteLinkUseCase } from './get-invite-link.usecase';
import { ResetInviteLinkUseCase } from './reset-invite-link.usecase';

@BusController()
export class InviteLinksHandler {
  constructor(
    private readonly getInviteLink: GetInviteLinkUseCase,
    private readonly resetInviteLink: ResetInviteLinkUseCase,
  ) {}

  @MessagePattern(InvitationsSubjects.getInviteLink.subject)
  get(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<InviteLinkDto> {
    return this.getInviteLink.execute(parseRequest(InvitationsSubjects.getInviteLink, payload), caller);
  }

  @MessagePattern(InvitationsSubjects.resetInviteLink.subject)
  reset(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<InviteLinkDto> {
    return this.resetInviteLink.execute(parseRequest(InvitationsSubjects.resetInviteLink, payload), caller);
  }

  /** The operator's `invite_link`: a named organization's link, or the first organization's. */
  @MessagePattern(InvitationsSubjects.operatorGetInviteLink.subject)
  operatorGet(@Payload() payload: unknown): Promise<InviteLinkDto> {
    return this.getInviteLink.execute(
      parseRequest(InvitationsSubjects.operatorGetInviteLink, payload),
      'admin',
    );
  }

  @MessagePattern(InvitationsSubjects.operatorResetInviteLink.subject)
  operatorReset(@Payload() payload: unknown): Promise<InviteLinkDto> {
    return this.resetInviteLink.execute(
      parseRequest(InvitationsSubjects.operatorResetInviteLink, payload),
      'admin',
    );
  }
}
