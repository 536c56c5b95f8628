import { AccountDto } from '@app/contracts';
import { inviteUrlPath } from '../invite-links/invite-link.usecase';
import { userMissingLine, usersJson, usersTable } from './user-output';

const anAccount = (overrides: Partial<AccountDto> = {}): AccountDto => ({
  id: 1,
  email: 'owner@example.com',
  username: '',
  isActive: true,
  isSuperuser: true,
  dateJoined: '2026-01-02T03:04:05.678Z',
  lastLogin: null,
  ...overrides,
});

describe('user output', () => {
  it('names the unknown user as given, in JSON that survives odd characters', () => {
    for (const username of ['nobody', `qu"ote's`, 'new\nline', '']) {
      expect(JSON.parse(userMissingLine(username))).toEqual({
        status: 'error',
        message: `user ${username} doesn't exist`,
      });
    }
  });

  it('lists accounts as a JSON array with Label Studio’s snake_case names', () => {
    expect(JSON.parse(usersJson([anAccount()]))).toEqual([
      {
        id: 1,
        email: 'owner@example.com',
        username: '',
        is_active: true,
        is_superuser: true,
        date_joined: '2026-01-02T03:04:05.678Z',
        last_login: null,
      },
    ]);
  });

  it('lists accounts as an aligned table with a count', () => {
    const lines = usersTable([
      anAccount(),
      anAccount({
        id: 12,
        email: 'b@x.io',
        username: 'bee',
        isActive: false,
        isSuperuser: false,
        lastLogin: '2026-02-03T04:05:06.000Z',
      }),
    ]);
    expect(lines).toEqual([
      'ID  EMAIL              USERNAME  ACTIVE  SUPERUSER  JOINED               LAST LOGIN',
      '1   owner@example.com  -         yes     yes        2026-01-02 03:04:05  -',
      '12  b@x.io             bee       no      no         2026-01-02 03:04:05  2026-02-03 04:05:06',
      '2 users',
    ]);
  });

  it('escapes control characters so a username cannot garble the table', () => {
    const [, row] = usersTable([anAccount({ username: 'evil\u001b[2J' })]);
    expect(row).toContain('evil\\u001b[2J');
  });
});

describe('inviteUrlPath', () => {
  it('is Label Studio’s signup path with the token', () => {
    expect(inviteUrlPath('abc123')).toBe('/user/signup/?token=abc123');
  });
});
