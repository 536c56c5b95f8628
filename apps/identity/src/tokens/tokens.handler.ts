import { MessagePattern, Payload } from '@nestjs/microservices';
import { IdentitySubjects, TokenReply } from '@app/contracts';
import { BusController, Caller, parsePayload } from '@app/bus';
import { userIdRequestSchema } from '../accounts/account.schemas';
import { Actor } from '../audit/audit-log.repository';
import { GetTokenUseCase } from './get-token.usecase';
import { ResetTokenUseCase } from './reset-token.usecase';

@BusController()
export class TokensHandler {
  constructor(
    private readonly getToken: GetTokenUseCase,
    private readonly resetToken: ResetTokenUseCase,
  ) {}

  @MessagePattern(IdentitySubjects.getToken.subject)
  get(@Payload() payload: unknown): Promise<TokenReply> {
    return this.getToken.execute(parsePayload(userIdRequestSchema, payload).userId);
  }

  @MessagePattern(IdentitySubjects.resetToken.subject)
  reset(@Payload() payload: unknown, @Caller() caller: Actor): Promise<TokenReply> {
    return this.resetToken.execute(parsePayload(userIdRequestSchema, payload).userId, caller);
  }
}
