import { Command, CommandRunner, Option } from 'nest-commander';
import { Terminal } from '../cli/terminal';
import { ResetUserTokenUseCase } from '../users/reset-user-token.usecase';
import { JSON_OPTION, USERNAME_HELP } from './options';

interface ResetTokenOptions {
  username: string;
  json?: boolean;
}

@Command({
  name: 'reset_token',
  aliases: ['reset-token'],
  description: 'Give a user a new API token and print it; the old one stops working at once',
})
export class ResetTokenCommand extends CommandRunner {
  constructor(
    private readonly resetToken: ResetUserTokenUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_params: string[], options: ResetTokenOptions): Promise<void> {
    this.terminal.printJson(options.json === true);
    await this.resetToken.execute(options.username);
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
