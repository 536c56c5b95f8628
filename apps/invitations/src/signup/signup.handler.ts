import { MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { AuthorizeSignupReply, InvitationsSubjects } from '@app/contracts';
import { BusController, parsePayload } from '@app/bus';
import { AuthorizeSignupUseCase } from './authorize-signup.usecase';

// The token's format is judged by the use-case: a bad link is SIGNUP_FORBIDDEN, not a validation error.
const authorizeSignupSchema = z.object({ inviteToken: z.unknown().optional() });

@BusController()
export class SignupHandler {
  constructor(private readonly authorizeSignup: AuthorizeSignupUseCase) {}

  @MessagePattern(InvitationsSubjects.authorizeSignup.subject)
  authorize(@Payload() payload: unknown): Promise<AuthorizeSignupReply> {
    return this.authorizeSignup.execute(parsePayload(authorizeSignupSchema, payload).inviteToken);
  }
}
