import { Injectable } from '@nestjs/common';
import { AccountDto } from '@app/contracts';
import { toAccountDto } from './account.mapper';
import { AccountRepository } from './account.repository';
import { ListAllAccountsInput } from './account.schemas';

/** Every account, a page at a time, ordered by id (the operator's `list_users`). */
@Injectable()
export class ListAllAccountsUseCase {
  constructor(private readonly accounts: AccountRepository) {}

  async execute(input: ListAllAccountsInput): Promise<AccountDto[]> {
    const page = await this.accounts.findPage(input.offset, input.limit);
    return page.map(toAccountDto);
  }
}
