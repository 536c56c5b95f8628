import { Command, CommandRunner, Option } from 'nest-commander';
import { Terminal } from '../cli/terminal';
import { ListUsersUseCase } from '../users/list-users.usecase';
import { usersJson, usersTable } from '../users/user-output';
import { JSON_OPTION } from './options';

interface ListUsersOptions {
  json?: boolean;
}

@Command({ name: 'list_users', aliases: ['list-users'], description: 'List every account, ordered by id' })
export class ListUsersCommand extends CommandRunner {
  constructor(
    private readonly listUsers: ListUsersUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_params: string[], options: ListUsersOptions = {}): Promise<void> {
    const accounts = await this.listUsers.execute();
    const lines = options.json ? [usersJson(accounts)] : usersTable(accounts);
    for (const line of lines) this.terminal.out(line);
  }

  @Option({ ...JSON_OPTION, description: 'one JSON array instead of a table' })
  parseJson(): boolean {
    return true;
  }
}
