import { Command, CommandRunner, Option } from 'nest-commander';
import { Terminal } from '../cli/terminal';
import { UnlockUserUseCase } from '../users/unlock-user.usecase';
import { JSON_OPTION, USERNAME_HELP } from './options';

@Command({
  name: 'unlock_user',
  aliases: ['unlock-user'],
  description: 'Clear the login delays failed logins put on a user, from every client',
})
export class UnlockUserCommand extends CommandRunner {
  constructor(
    private readonly unlock: UnlockUserUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_params: string[], options: { username: string; json?: boolean }): Promise<void> {
    this.terminal.printJson(options.json === true);
    await this.unlock.execute(options.username);
  }

  @Option({ flags: '--username <email>', description: USERNAME_HELP, required: true })
  parseUsername(value: string): string {
    return value;
  }

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}
