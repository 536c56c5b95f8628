import { MessagePattern, Payload } from '@nestjs/microservices';
import { AccountDto, Empty, IdentitySubjects, RegisterReply } from '@app/contracts';
import { BusController, Caller, parseRequest } from '@app/bus';
import { Actor } from '../audit/audit-log.repository';
import { CreateAccountUseCase } from './create-account.usecase';
import { DeleteAccountUseCase } from './delete-account.usecase';
import { GetAccountUseCase } from './get-account.usecase';
import { ListAccountsUseCase } from './list-accounts.usecase';
import { RegisterAccountUseCase } from './register-account.usecase';
import { SetActiveUseCase } from './set-active.usecase';
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
    private readonly setActive: SetActiveUseCase,
  ) {}

  @MessagePattern(IdentitySubjects.register.subject)
  register(@Payload() payload: unknown, @Caller() caller: Actor): Promise<RegisterReply> {
    return this.registerAccount.execute(parseRequest(IdentitySubjects.register, payload), caller);
  }

  @MessagePattern(IdentitySubjects.createAccount.subject)
  create(@Payload() payload: unknown, @Caller() caller: Actor): Promise<AccountDto> {
    return this.createAccount.execute(parseRequest(IdentitySubjects.createAccount, payload), caller);
  }

  @MessagePattern(IdentitySubjects.getAccount.subject)
  get(@Payload() payload: unknown): Promise<AccountDto> {
    return this.getAccount.execute(parseRequest(IdentitySubjects.getAccount, payload).userId);
  }

  @MessagePattern(IdentitySubjects.listAccounts.subject)
  list(@Payload() payload: unknown): Promise<AccountDto[]> {
    return this.listAccounts.execute(parseRequest(IdentitySubjects.listAccounts, payload).userIds);
  }

  @MessagePattern(IdentitySubjects.updateAccount.subject)
  update(@Payload() payload: unknown, @Caller() caller: Actor): Promise<AccountDto> {
    return this.updateAccount.execute(parseRequest(IdentitySubjects.updateAccount, payload), caller);
  }

  /** Invitations removed the user from their last organization: they may no longer sign in. */
  @MessagePattern(IdentitySubjects.deactivateRemovedMember.subject)
  async deactivateRemoved(@Payload() payload: unknown): Promise<Empty> {
    const { userId, removedBy } = parseRequest(IdentitySubjects.deactivateRemovedMember, payload);
    await this.setActive.deactivateRemovedMember(userId, removedBy);
    return {};
  }

  @MessagePattern(IdentitySubjects.deleteAccount.subject)
  delete(@Payload() payload: unknown, @Caller() caller: Actor): Promise<Empty> {
    return this.deleteAccount.execute(parseRequest(IdentitySubjects.deleteAccount, payload).userId, caller);
  }
}
