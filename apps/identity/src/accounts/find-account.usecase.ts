import { Injectable } from '@nestjs/common';
import { AccountDto } from '@app/contracts';
import { toAccountDto } from './account.mapper';
import { AccountRepository } from './account.repository';
import { CONTROL_CHARACTERS, EMAIL_MAX_LENGTH, normaliseEmail } from './email-address';
import { accountNotFound } from './get-account.usecase';

/** The operator's lookup by email (`label-studio user --username U`), normalised like every path. */
@Injectable()
export class FindAccountUseCase {
  constructor(private readonly accounts: AccountRepository) {}

  async execute(rawEmail: string): Promise<AccountDto> {
    const email = normaliseEmail(rawEmail);
    // No stored address is empty, this long or has control characters (PostgreSQL cannot even
    // take a NUL): such input matches nobody, and is not worth a query.
    if (!email || email.length >= EMAIL_MAX_LENGTH || CONTROL_CHARACTERS.test(email)) {
      throw accountNotFound();
    }
    const account = await this.accounts.findByEmail(email);
    if (!account) throw accountNotFound();
    return toAccountDto(account);
  }
}
