import { MessagePattern, Payload } from '@nestjs/microservices';
import { AccountDto, Empty, IdentitySubjects, RegisterReply } from '@app/contracts';
import { BusController, Caller, parsePayload } from '@app/bus';
import { Actor } from '../audit/audit-log.repository';
import {
  createAccountSchema,
  registerSchema,
  updateAccountSchema,
  userIdRequestSchema,
  userIdsRequestSchema,
} from './account.schemas';
import { CreateAccountUseCase } from './create-account.usecase';
import { DeleteAccountUseCase } from './delete-account.usecase';
import { GetAccountUseCase } from './get-account.usecase';
import { ListAccountsUseCase } from './list-accounts.usecase';
import { RegisterAccountUseCase } from './register-account.usecase';
import { UpdateAccountUseCase } from './update-account.usecase';

@BusController()
export class AccountsHandler {
  constructor(
    private readonly registerAccount: RegisterAccountUseCase,
    private readonly createAccount: CreateAccountUseCase,
    private readonly getAccount: GetAccountUseCase,
    private readonly listAccounts: ListAccountsUseCase,
    private readonly updateAccount: UpdateAccountUseCase,
    private readonly deleteAccount: DeleteAccountUseCase,
  ) {}

  @MessagePattern(IdentitySubjects.register.subject)
  register(@Payload() payload: unknown, @Caller() caller: Actor): Promise<RegisterReply> {
    return this.registerAccount.execute(parsePayload(registerSchema, payload), caller);
  }

  @MessagePattern(IdentitySubjects.createAccount.subject)
  create(@Payload() payload: unknown, @Caller() caller: Actor): Promise<AccountDto> {
    return this.createAccount.execute(parsePayload(createAccountSchema, payload), caller);
  }

  @MessagePattern(IdentitySubjects.getAccount.subject)
  get(@Payload() payload: unknown): Promise<AccountDto> {
    return this.getAccount.execute(parsePayload(userIdRequestSchema, payload).userId);
  }

  @MessagePattern(IdentitySubjects.listAccounts.subject)
  list(@Payload() payload: unknown): Promise<AccountDto[]> {
    return this.listAccounts.execute(parsePayload(userIdsRequestSchema, payload).userIds);
  }

  @MessagePattern(IdentitySubjects.updateAccount.subject)
  update(@Payload() payload: unknown, @Caller() caller: Actor): Promise<AccountDto> {
    return this.updateAccount.execute(parsePayload(updateAccountSchema, payload), caller);
  }

  @MessagePattern(IdentitySubjects.deleteAccount.subject)
  delete(@Payload() payload: unknown, @Caller() caller: Actor): Promise<Empty> {
    return this.deleteAccount.execute(parsePayload(userIdRequestSchema, payload).userId, caller);
  }
}
