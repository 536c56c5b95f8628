import { MessagePattern, Payload } from '@nestjs/microservices';
import { ErrorCode, IdentitySubjects, TokenReply } from '@app/contracts';
import { BusController, Caller, fail, parseRequest } from '@app/bus';
import { GetTokenUseCase } from './get-token.usecase';
import { ResetTokenUseCase } from './reset-token.usecase';

const signedIn = (caller: number | undefined): number =>
  caller ?? fail(ErrorCode.Unauthenticated, 'Authentication credentials were not provided.');

/**
 * API tokens. The gateway may read or reset only the signed-in caller's own (there is no user id
 * to name); another user's token is the operator's, on operator subjects only admin may send.
 */
@BusController()
export class TokensHandler {
  constructor(
    private readonly getToken: GetTokenUseCase,
    private readonly resetToken: ResetTokenUseCase,
  ) {}

  @MessagePattern(IdentitySubjects.getOwnToken.subject)
  getOwn(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<TokenReply> {
    parseRequest(IdentitySubjects.getOwnToken, payload);
    return this.getToken.execute(signedIn(caller));
  }

  @MessagePattern(IdentitySubjects.resetOwnToken.subject)
  resetOwn(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<TokenReply> {
    parseRequest(IdentitySubjects.resetOwnToken, payload);
    const userId = signedIn(caller);
    return this.resetToken.execute(userId, userId);
  }

  @MessagePattern(IdentitySubjects.getToken.subject)
  get(@Payload() payload: unknown): Promise<TokenReply> {
    return this.getToken.execute(parseRequest(IdentitySubjects.getToken, payload).userId);
  }

  @MessagePattern(IdentitySubjects.resetToken.subject)
  reset(@Payload() payload: unknown): Promise<TokenReply> {
    return this.resetToken.execute(parseRequest(IdentitySubjects.resetToken, payload).userId, 'admin');
  }
}
