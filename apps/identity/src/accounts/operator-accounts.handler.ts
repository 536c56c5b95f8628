import { MessagePattern, Payload } from '@nestjs/microservices';
import { AccountDto, Empty, ErrorCode, IdentitySubjects, ProvisionAccountReply } from '@app/contracts';
import { BusController, Caller, fail, parsePayload } from '@app/bus';
import { Actor } from '../audit/audit-log.repository';
import {
  findAccountSchema,
  listAllAccountsSchema,
  provisionAccountSchema,
  setActiveSchema,
  setPasswordSchema,
} from './account.schemas';
import { FindAccountUseCase } from './find-account.usecase';
import { ListAllAccountsUseCase } from './list-all-accounts.usecase';
import { ProvisionAccountUseCase } from './provision-account.usecase';
import { SetActiveUseCase } from './set-active.usecase';
import { SetPasswordUseCase } from './set-password.usecase';

/** What the operator's `label-studio` commands ask of identity. */
@BusController()
export class OperatorAccountsHandler {
  constructor(
    private readonly findAccount: FindAccountUseCase,
    private readonly listAllAccounts: ListAllAccountsUseCase,
    private readonly provisionAccount: ProvisionAccountUseCase,
    private readonly setPassword: SetPasswordUseCase,
    private readonly setActive: SetActiveUseCase,
  ) {}

  @MessagePattern(IdentitySubjects.findAccount.subject)
  find(@Payload() payload: unknown): Promise<AccountDto> {
    return this.findAccount.execute(parsePayload(findAccountSchema, payload).email);
  }

  @MessagePattern(IdentitySubjects.listAllAccounts.subject)
  listAll(@Payload() payload: unknown): Promise<AccountDto[]> {
    return this.listAllAccounts.execute(parsePayload(listAllAccountsSchema, payload));
  }

  @MessagePattern(IdentitySubjects.provisionAccount.subject)
  provision(@Payload() payload: unknown, @Caller() caller: Actor): Promise<ProvisionAccountReply> {
    // The operator's path past the signup restriction: never on behalf of a signed-in user.
    if (typeof caller === 'number') fail(ErrorCode.Forbidden, 'Only the operator may provision accounts');
    return this.provisionAccount.execute(parsePayload(provisionAccountSchema, payload), caller);
  }

  @MessagePattern(IdentitySubjects.setPassword.subject)
  changePassword(@Payload() payload: unknown, @Caller() caller: Actor): Promise<Empty> {
    return this.setPassword.execute(parsePayload(setPasswordSchema, payload), caller);
  }

  @MessagePattern(IdentitySubjects.setActive.subject)
  changeActive(@Payload() payload: unknown, @Caller() caller: Actor): Promise<AccountDto> {
    return this.setActive.execute(parsePayload(setActiveSchema, payload), caller);
  }
}
