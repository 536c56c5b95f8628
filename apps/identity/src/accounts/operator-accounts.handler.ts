import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AccountDto,
  Empty,
  IdentitySubjects,
  ProvisionAccountReply,
  UnlockAccountReply,
} from '@app/contracts';
import { BusController, parseRequest } from '@app/bus';
import { UnlockAccountUseCase } from '../auth/unlock-account.usecase';
import { FindAccountUseCase } from './find-account.usecase';
import { ListAllAccountsUseCase } from './list-all-accounts.usecase';
import { ProvisionAccountUseCase } from './provision-account.usecase';
import { SetActiveUseCase } from './set-active.usecase';
import { SetPasswordUseCase } from './set-password.usecase';

/**
 * What the operator's `label-studio` commands ask of identity. These subjects are `identity.operator.…`:
 * NATS accepts them from the admin credentials only, so what arrives here is the operator's.
 */
@BusController()
export class OperatorAccountsHandler {
  constructor(
    private readonly findAccount: FindAccountUseCase,
    private readonly listAllAccounts: ListAllAccountsUseCase,
    private readonly provisionAccount: ProvisionAccountUseCase,
    private readonly setPassword: SetPasswordUseCase,
    private readonly setActive: SetActiveUseCase,
    private readonly unlockAccount: UnlockAccountUseCase,
  ) {}

  @MessagePattern(IdentitySubjects.findAccount.subject)
  find(@Payload() payload: unknown): Promise<AccountDto> {
    return this.findAccount.execute(parseRequest(IdentitySubjects.findAccount, payload).email);
  }

  @MessagePattern(IdentitySubjects.listAllAccounts.subject)
  listAll(@Payload() payload: unknown): Promise<AccountDto[]> {
    return this.listAllAccounts.execute(parseRequest(IdentitySubjects.listAllAccounts, payload));
  }

  @MessagePattern(IdentitySubjects.provisionAccount.subject)
  provision(@Payload() payload: unknown): Promise<ProvisionAccountReply> {
    // The operator's path past the signup restriction.
    return this.provisionAccount.execute(parseRequest(IdentitySubjects.provisionAccount, payload), 'admin');
  }

  @MessagePattern(IdentitySubjects.setPassword.subject)
  changePassword(@Payload() payload: unknown): Promise<Empty> {
    return this.setPassword.execute(parseRequest(IdentitySubjects.setPassword, payload), 'admin');
  }

  @MessagePattern(IdentitySubjects.setActive.subject)
  changeActive(@Payload() payload: unknown): Promise<AccountDto> {
    return this.setActive.execute(parseRequest(IdentitySubjects.setActive, payload), 'admin');
  }

  @MessagePattern(IdentitySubjects.unlockAccount.subject)
  unlock(@Payload() payload: unknown): Promise<UnlockAccountReply> {
    return this.unlockAccount.execute(parseRequest(IdentitySubjects.unlockAccount, payload).email);
  }
}
