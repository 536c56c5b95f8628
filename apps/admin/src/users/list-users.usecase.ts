import { Injectable } from '@nestjs/common';
import { AccountDto, IdentitySubjects } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';

const PAGE_SIZE = 1000;

/** `label-studio list_users`: every account, ordered by id, read a page at a time. */
@Injectable()
export class ListUsersUseCase {
  constructor(private readonly bus: AdminBus) {}

  async execute(): Promise<AccountDto[]> {
    const accounts: AccountDto[] = [];
    for (;;) {
      const page = await this.bus.request(IdentitySubjects.listAllAccounts, {
        offset: accounts.length,
        limit: PAGE_SIZE,
      });
      accounts.push(...page);
      if (page.length < PAGE_SIZE) return accounts;
    }
  }
}
