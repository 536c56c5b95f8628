import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AccessTokenReply,
  Empty,
  ErrorCode,
  IdentitySubjects,
  PersonalAccessTokenDto,
  PersonalAccessTokenStatusDto,
  RefreshTokenReply,
  SigningKeyRotationReply,
  TokenReply,
} from '@app/contracts';
import { BusController, Caller, fail, parseRequest } from '@app/bus';
import { SigningKeys } from '../signing-keys/signing-keys';
import { PersonalAccessTokens } from './personal-access-tokens';

const signedIn = (caller: number | undefined): number =>
  caller ?? fail(ErrorCode.Unauthenticated, 'Authentication credentials were not provided.');

/**
 * Personal access tokens. On the gateway's subjects a caller acts on their own tokens only (the
 * refresh needs no caller: the token is the credential); the operator's subjects name the user.
 */
@BusController()
export class PersonalTokensHandler {
  constructor(
    private readonly tokens: PersonalAccessTokens,
    private readonly keys: SigningKeys,
  ) {}

  @MessagePattern(IdentitySubjects.listOwnPats.subject)
  list(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<PersonalAccessTokenDto[]> {
    parseRequest(IdentitySubjects.listOwnPats, payload);
    return this.tokens.list(signedIn(caller));
  }

  @MessagePattern(IdentitySubjects.createOwnPat.subject)
  create(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<TokenReply> {
    parseRequest(IdentitySubjects.createOwnPat, payload);
    const userId = signedIn(caller);
    return this.tokens.create(userId, userId);
  }

  @MessagePattern(IdentitySubjects.rotateOwnPat.subject)
  rotate(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<RefreshTokenReply> {
    const { refresh } = parseRequest(IdentitySubjects.rotateOwnPat, payload);
    return this.tokens.rotate(signedIn(caller), refresh);
  }

  @MessagePattern(IdentitySubjects.revokePat.subject)
  async revoke(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<Empty> {
    await this.tokens.revoke(caller, parseRequest(IdentitySubjects.revokePat, payload).refresh);
    return {};
  }

  @MessagePattern(IdentitySubjects.refreshAccess.subject)
  refresh(@Payload() payload: unknown): Promise<AccessTokenReply> {
    return this.tokens.refresh(parseRequest(IdentitySubjects.refreshAccess, payload).refresh);
  }

  @MessagePattern(IdentitySubjects.createPat.subject)
  operatorCreate(@Payload() payload: unknown): Promise<TokenReply> {
    const { userId, replace } = parseRequest(IdentitySubjects.createPat, payload);
    return this.tokens.create(userId, 'admin', replace);
  }

  @MessagePattern(IdentitySubjects.patStatus.subject)
  operatorStatus(@Payload() payload: unknown): Promise<PersonalAccessTokenStatusDto> {
    return this.tokens.status(parseRequest(IdentitySubjects.patStatus, payload).userId);
  }

  @MessagePattern(IdentitySubjects.rotateSigningKey.subject)
  rotateSigningKey(@Payload() payload: unknown): Promise<SigningKeyRotationReply> {
    parseRequest(IdentitySubjects.rotateSigningKey, payload);
    return this.keys.rotate('admin');
  }
}
