import { Injectable } from '@nestjs/common';
import { AccountDto } from '@app/contracts';
import { toAccountDto } from './account.mapper';
import { AccountRepository } from './account.repository';

/** Accounts by id, ordered by id; ids that match nothing are skipped (the caller joins them). */
@Injectable()
export class ListAccountsUseCase {
  constructor(private readonly accounts: AccountRepository) {}

  async execute(userIds: number[]): Promise<AccountDto[]> {
    const found = await this.accounts.findByIds([...new Set(userIds)]);
    return found.map(toAccountDto);
  }
}
