import { Command, CommandRunner, Option } from 'nest-commander';
import { SetUserActiveUseCase } from '../users/set-user-active.usecase';
import { USERNAME_HELP } from './options';

interface UsernameOptions {
  username: string;
}

@Command({
  name: 'deactivate_user',
  aliases: ['deactivate-user'],
  description: 'Stop a user from logging in: ends their sessions, refuses their API token',
})
export class DeactivateUserCommand extends CommandRunner {
  constructor(private readonly setActive: SetUserActiveUseCase) {
    super();
  }

  async run(_params: string[], options: UsernameOptions): Promise<void> {
    await this.setActive.execute(options.username, false);
  }

  @Option({ flags: '--username <email>', description: USERNAME_HELP, required: true })
  parseUsername(value: string): string {
    return value;
  }
}

@Command({
  name: 'activate_user',
  aliases: ['activate-user'],
  description: 'Let a deactivated user log in again',
})
export class ActivateUserCommand extends CommandRunner {
  constructor(private readonly setActive: SetUserActiveUseCase) {
    super();
  }

  async run(_params: string[], options: UsernameOptions): Promise<void> {
    await this.setActive.execute(options.username, true);
  }

  @Option({ flags: '--username <email>', description: USERNAME_HELP, required: true })
  parseUsername(value: string): string {
    return value;
  }
}
