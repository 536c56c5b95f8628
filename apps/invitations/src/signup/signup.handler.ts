import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthorizeSignupReply, InvitationsSubjects, SignupTicketReply } from '@app/contracts';
import { BusController, parseRequest } from '@app/bus';
import { AuthorizeSignupUseCase } from './authorize-signup.usecase';
import { IssueSignupTicketUseCase } from './issue-signup-ticket.usecase';

@BusController()
export class SignupHandler {
  constructor(
    private readonly authorizeSignup: AuthorizeSignupUseCase,
    private readonly issueTicket: IssueSignupTicketUseCase,
  ) {}

  @MessagePattern(InvitationsSubjects.authorizeSignup.subject)
  authorize(@Payload() payload: unknown): Promise<AuthorizeSignupReply> {
    return this.authorizeSignup.execute(
      parseRequest(InvitationsSubjects.authorizeSignup, payload).inviteToken,
    );
  }

  @MessagePattern(InvitationsSubjects.issueSignupTicket.subject)
  ticket(@Payload() payload: unknown): Promise<SignupTicketReply> {
    return this.issueTicket.execute(parseRequest(InvitationsSubjects.issueSignupTicket, payload).inviteToken);
  }
}
