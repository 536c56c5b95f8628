import { MessagePattern, Payload } from '@nestjs/microservices';
import { IdentitySubjects, LoginReply, PrincipalDto } from '@app/contracts';
import { BusController, parseRequest } from '@app/bus';
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
  login(@Payload() payload: unknown): Promise<LoginReply> {
    return this.loginUseCase.execute(parseRequest(IdentitySubjects.login, payload), undefined);
  }

  @MessagePattern(IdentitySubjects.authenticateToken.subject)
  authenticateToken(@Payload() payload: unknown): Promise<PrincipalDto> {
    return this.tokenAuth.execute(parseRequest(IdentitySubjects.authenticateToken, payload).key);
  }

  @MessagePattern(IdentitySubjects.authenticateSession.subject)
  authenticateSession(@Payload() payload: unknown): Promise<PrincipalDto> {
    return this.sessionAuth.execute(parseRequest(IdentitySubjects.authenticateSession, payload).key);
  }
}
