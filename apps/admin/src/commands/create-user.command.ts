import { Command, CommandRunner, Option } from 'nest-commander';
import { Terminal } from '../cli/terminal';
import { CreateUserUseCase } from '../users/create-user.usecase';
import { JSON_OPTION, USERNAME_HELP } from './options';

interface CreateUserOptions {
  username: string;
  password?: string;
  userToken?: string;
  json?: boolean;
}

@Command({
  name: 'create_user',
  aliases: ['create-user'],
  description:
    'Create a superuser account (joins the first organization, or founds "Label Studio"); ' +
    'an existing account is left as it is',
})
export class CreateUserCommand extends CommandRunner {
  constructor(
    private readonly createUser: CreateUserUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_params: string[], options: CreateUserOptions): Promise<void> {
    this.terminal.printJson(options.json === true);
    await this.createUser.execute({
      username: options.username,
      password: options.password,
      token: options.userToken,
    });
  }

  @Option({ flags: '--username <email>', description: USERNAME_HELP, required: true })
  parseUsername(value: string): string {
    return value;
  }

  @Option({ flags: '--password <password>', description: 'the password (asked for when missing)' })
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

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}
