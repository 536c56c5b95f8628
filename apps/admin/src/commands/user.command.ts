import { Command, CommandRunner, Option } from 'nest-commander';
import { CliError } from '../cli/cli-error';
import { Terminal } from '../cli/terminal';
import { UserInfoUseCase } from '../users/user-info.usecase';
import { userInfoLines, userMissingLine } from '../users/user-output';
import { JSON_OPTION, USERNAME_HELP } from './options';

/** Label Studio's default user of `label-studio init`. */
export const DEFAULT_USERNAME = 'default_user@localhost';

interface UserOptions {
  username?: string;
  json?: boolean;
}

@Command({
  name: 'user',
  description: 'Show a user, with their API token (the last line is JSON)',
})
export class UserCommand extends CommandRunner {
  constructor(
    private readonly userInfo: UserInfoUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_params: string[], options: UserOptions = {}): Promise<void> {
    const username = options.username ?? DEFAULT_USERNAME;
    const info = await this.userInfo.execute(username);
    if (!info) {
      // Label Studio prints this on stdout too; unlike it, the exit status says it failed.
      this.terminal.out(userMissingLine(username));
      throw new CliError('', 1);
    }
    const lines = userInfoLines(info);
    // --json: only the user, without Label Studio's header line.
    for (const line of options.json ? lines.slice(-1) : lines) this.terminal.out(line);
  }

  @Option({ flags: '--username <email>', description: `${USERNAME_HELP}; default ${DEFAULT_USERNAME}` })
  parseUsername(value: string): string {
    return value;
  }

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}
