import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthorizeSignupReply, InvitationsSubjects } from '@app/contracts';
import { BusController, parseRequest } from '@app/bus';
import { AuthorizeSignupUseCase } from './authorize-signup.usecase';

@BusController()
export class SignupHandler {
  constructor(private readonly authorizeSignup: AuthorizeSignupUseCase) {}

  @MessagePattern(InvitationsSubjects.authorizeSignup.subject)
  authorize(@Payload() payload: unknown): Promise<AuthorizeSignupReply> {
    return this.authorizeSignup.execute(
      parseRequest(InvitationsSubjects.authorizeSignup, payload).inviteToken,
    );
  }
}
