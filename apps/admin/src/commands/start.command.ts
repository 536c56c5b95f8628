import { Command, CommandRunner, Option } from 'nest-commander';
import { StartLocalStackUseCase } from '../local-stack/start-local-stack.usecase';
import { USERNAME_HELP } from './options';

interface StartOptions {
  username?: string;
  password?: string;
  userToken?: string;
}

@Command({
  name: 'start',
  description:
    'Run the whole system locally from a checkout (like npm run stack), creating the account first; ' +
    'Ctrl-C stops it',
})
export class StartCommand extends CommandRunner {
  constructor(private readonly startLocalStack: StartLocalStackUseCase) {
    super();
  }

  async run(_params: string[], options: StartOptions = {}): Promise<void> {
    await this.startLocalStack.execute({
      username: options.username,
      password: options.password,
      token: options.userToken,
    });
  }

  @Option({ flags: '--username <email>', description: `${USERNAME_HELP}: the account to create` })
  parseUsername(value: string): string {
    return value;
  }

  @Option({ flags: '--password <password>', description: 'its password (asked for when missing)' })
  parsePassword(value: string): string {
    return value;
  }

  @Option({
    flags: '--user-token <token>',
    description: 'User token for API access: 5 to 40 characters without spaces (generated when missing)',
  })
  parseUserToken(value: string): string {
    return value;
  }
}
