import { findSecretFields } from '../../test/secret-fields';
import { toSessionDto } from '../sessions/session.mapper';
import { Account } from './account.entity';
import { toAccountDto, toPrincipalDto } from './account.mapper';

const anAccount = (overrides: Partial<Account> = {}): Account =>
  Object.assign(new Account(), {
    id: 42,
    email: 'jane@example.com',
    username: 'jane',
    passwordHash: '$2b$04$abcdefghijklmnopqrstuv0123456789abcdefghijklmnopqrstu',
    isActive: true,
    isSuperuser: false,
    isStaff: true,
    dateJoined: new Date('2025-03-01T10:20:30.123Z'),
    lastLogin: null,
    ...overrides,
  });

describe('account mapper', () => {
  it('maps exactly the AccountDto fields, with ISO dates', () => {
    expect(toAccountDto(anAccount({ lastLogin: new Date('2025-03-02T00:00:00Z') }))).toEqual({
      id: 42,
      email: 'jane@example.com',
      username: 'jane',
      isActive: true,
      isSuperuser: false,
      dateJoined: '2025-03-01T10:20:30.123Z',
      lastLogin: '2025-03-02T00:00:00.000Z',
    });
  });

  it('keeps a never-logged-in account’s lastLogin null', () => {
    expect(toAccountDto(anAccount()).lastLogin).toBeNull();
  });

  it('maps a principal', () => {
    expect(toPrincipalDto(anAccount(), 'token')).toEqual({
      userId: 42,
      email: 'jane@example.com',
      method: 'token',
      account: toAccountDto(anAccount()),
    });
  });
});

describe('replies never carry secrets', () => {
  it('finds a secret field when one is there (the check itself works)', () => {
    expect(findSecretFields({ account: { passwordHash: 'x' }, list: [{ digest: 'y' }] })).toEqual([
      '$.account.passwordHash',
      '$.list[0].digest',
    ]);
  });

  it('has none in any reply DTO the mappers build', () => {
    const account = anAccount();
    const session = toSessionDto('cookie-value', { expiresAt: new Date(), persistent: true });
    const replies = [
      toAccountDto(account),
      [toAccountDto(account), toAccountDto(anAccount({ id: 43 }))],
      toPrincipalDto(account, 'session'),
      { account: toAccountDto(account), session },
      { account: toAccountDto(account), session: null },
    ];
    expect(findSecretFields(replies)).toEqual([]);
    expect(JSON.stringify(replies)).not.toContain(account.passwordHash);
  });
});
