import { MessagePattern, Payload } from '@nestjs/microservices';
import { Empty, IdentitySubjects } from '@app/contracts';
import { BusController, Caller, parseRequest } from '@app/bus';
import { Actor } from '../audit/audit-log.repository';
import { LogoutUseCase } from './logout.usecase';

@BusController()
export class SessionsHandler {
  constructor(private readonly logoutUseCase: LogoutUseCase) {}

  @MessagePattern(IdentitySubjects.logout.subject)
  logout(@Payload() payload: unknown, @Caller() caller: Actor): Promise<Empty> {
    return this.logoutUseCase.execute(parseRequest(IdentitySubjects.logout, payload).key, caller);
  }
}
