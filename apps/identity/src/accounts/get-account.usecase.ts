import { Injectable } from '@nestjs/common';
import { AccountDto, ErrorCode } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { toAccountDto } from './account.mapper';
import { AccountRepository } from './account.repository';

/** DRF's `get_object_or_404` wording. */
export const accountNotFound = () => new ServiceError(ErrorCode.NotFound, 'No User matches the given query.');

@Injectable()
export class GetAccountUseCase {
  constructor(private readonly accounts: AccountRepository) {}

  async execute(userId: number): Promise<AccountDto> {
    const account = await this.accounts.findById(userId);
    if (!account) throw accountNotFound();
    return toAccountDto(account);
  }
}
