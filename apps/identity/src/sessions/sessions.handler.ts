import { MessagePattern, Payload } from '@nestjs/microservices';
import { Empty, IdentitySubjects } from '@app/contracts';
import { BusController, Caller, parsePayload } from '@app/bus';
import { Actor } from '../audit/audit-log.repository';
import { credentialSchema } from '../auth/auth.schemas';
import { LogoutUseCase } from './logout.usecase';

@BusController()
export class SessionsHandler {
  constructor(private readonly logoutUseCase: LogoutUseCase) {}

  @MessagePattern(IdentitySubjects.logout.subject)
  logout(@Payload() payload: unknown, @Caller() caller: Actor): Promise<Empty> {
    return this.logoutUseCase.execute(parsePayload(credentialSchema, payload).key, caller);
  }
}
