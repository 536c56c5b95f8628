import { MessagePattern, Payload } from '@nestjs/microservices';
import { IdentitySubjects, LoginReply, PrincipalDto } from '@app/contracts';
import { BusController, Caller, parsePayload } from '@app/bus';
import { Actor } from '../audit/audit-log.repository';
import { credentialSchema, loginSchema } from './auth.schemas';
import { AuthenticateSessionUseCase } from './authenticate-session.usecase';
import { AuthenticateTokenUseCase } from './authenticate-token.usecase';
import { LoginUseCase } from './login.usecase';

@BusController()
export class AuthHandler {
  constructor(
    private readonly loginUseCase: LoginUseCase,
    private readonly tokenAuth: AuthenticateTokenUseCase,
    private readonly sessionAuth: AuthenticateSessionUseCase,
  ) {}

  @MessagePattern(IdentitySubjects.login.subject)
  login(@Payload() payload: unknown, @Caller() caller: Actor): Promise<LoginReply> {
    return this.loginUseCase.execute(parsePayload(loginSchema, payload), caller);
  }

  @MessagePattern(IdentitySubjects.authenticateToken.subject)
  authenticateToken(@Payload() payload: unknown): Promise<PrincipalDto> {
    return this.tokenAuth.execute(parsePayload(credentialSchema, payload).key);
  }

  @MessagePattern(IdentitySubjects.authenticateSession.subject)
  authenticateSession(@Payload() payload: unknown): Promise<PrincipalDto> {
    return this.sessionAuth.execute(parsePayload(credentialSchema, payload).key);
  }
}
