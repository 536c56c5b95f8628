import { Command, CommandRunner, Option } from 'nest-commander';
import { UnlockUserUseCase } from '../users/unlock-user.usecase';
import { USERNAME_HELP } from './options';

@Command({
  name: 'unlock_user',
  aliases: ['unlock-user'],
  description: 'Clear the login delays failed logins put on a user, from every client',
})
export class UnlockUserCommand extends CommandRunner {
  constructor(private readonly unlock: UnlockUserUseCase) {
    super();
  }

  async run(_params: string[], options: { username: string }): Promise<void> {
    await this.unlock.execute(options.username);
  }

  @Option({ flags: '--username <email>', description: USERNAME_HELP, required: true })
  parseUsername(value: string): string {
    return value;
  }
}
