import { AccountDto } from '@app/contracts';
import { jsonLine } from '../cli/json-line';
import { UserInfo } from './user-info.usecase';

/** Label Studio prints the header, then the user as the last line (here JSON, for `jq`). */
export function userInfoLines(info: UserInfo): string[] {
  return ['=> User info:', jsonLine(info)];
}

/** Label Studio's answer for an unknown user, as JSON. */
export function userMissingLine(username: string): string {
  return jsonLine({ status: 'error', message: `user ${username} doesn't exist` });
}

/** `list_users --json`: one JSON array, snake_case like Label Studio's API. */
export function usersJson(accounts: AccountDto[]): string {
  return JSON.stringify(
    accounts.map((a) => ({
      id: a.id,
      email: a.email,
      username: a.username,
      is_active: a.isActive,
      is_superuser: a.isSuperuser,
      date_joined: a.dateJoined,
      last_login: a.lastLogin,
    })),
  );
}

const COLUMNS = ['ID', 'EMAIL', 'USERNAME', 'ACTIVE', 'SUPERUSER', 'JOINED', 'LAST LOGIN'] as const;

/** Control characters would break the table (and the operator's terminal): shown escaped. */
const printable = (text: string): string =>
  text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const day = (iso: string | null): string => (iso ? iso.slice(0, 19).replace('T', ' ') : '-');

/** `list_users`: an aligned table, one account per line. */
export function usersTable(accounts: AccountDto[]): string[] {
  const rows = accounts.map((a) => [
    String(a.id),
    printable(a.email),
    printable(a.username) || '-',
    a.isActive ? 'yes' : 'no',
    a.isSuperuser ? 'yes' : 'no',
    day(a.dateJoined),
    day(a.lastLogin),
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), ...rows.map(line), `${accounts.length} user${accounts.length === 1 ? '' : 's'}`];
}
