import { AccountDto, AuthMethod, PrincipalDto } from '@app/contracts';
import { Account } from './account.entity';

/** Field by field on purpose: a new column (a hash, a secret) never leaks by being spread. */
export function toAccountDto(account: Account): AccountDto {
  return {
    id: account.id,
    email: account.email,
    username: account.username,
    isActive: account.isActive,
    isSuperuser: account.isSuperuser,
    dateJoined: account.dateJoined.toISOString(),
    lastLogin: account.lastLogin ? account.lastLogin.toISOString() : null,
  };
}

export function toPrincipalDto(account: Account, method: AuthMethod): PrincipalDto {
  return { userId: account.id, email: account.email, method, account: toAccountDto(account) };
}
