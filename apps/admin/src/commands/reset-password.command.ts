import { Command, CommandRunner, Option } from 'nest-commander';
import { Terminal } from '../cli/terminal';
import { ResetPasswordUseCase } from '../users/reset-password.usecase';
import { JSON_OPTION, USERNAME_HELP } from './options';

interface ResetPasswordOptions {
  username?: string;
  password?: string;
  json?: boolean;
}

/**
 * Asks for what is missing, like Label Studio; when stdin is not a terminal the answers are read
 * from it line by line (username first when it is missing, then the password).
 */
@Command({
  name: 'reset_password',
  aliases: ['reset-password'],
  description: 'Set a new password and end all of the user’s sessions (asks for what is missing)',
})
export class ResetPasswordCommand extends CommandRunner {
  constructor(
    private readonly resetPassword: ResetPasswordUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_params: string[], options: ResetPasswordOptions = {}): Promise<void> {
    this.terminal.printJson(options.json === true);
    await this.resetPassword.execute({ username: options.username, password: options.password });
  }

  @Option({ flags: '--username <email>', description: USERNAME_HELP })
  parseUsername(value: string): string {
    return value;
  }

  @Option({ flags: '--password <password>', description: 'the new password (prefer the prompt or stdin)' })
  parsePassword(value: string): string {
    return value;
  }

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}
