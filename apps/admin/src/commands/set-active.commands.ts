import { Command, CommandRunner, Option } from 'nest-commander';
import { Terminal } from '../cli/terminal';
import { SetUserActiveUseCase } from '../users/set-user-active.usecase';
import { JSON_OPTION, USERNAME_HELP } from './options';

interface UsernameOptions {
  username: string;
  json?: boolean;
}

@Command({
  name: 'deactivate_user',
  aliases: ['deactivate-user'],
  description: 'Stop a user from logging in: ends their sessions, refuses their API token',
})
export class DeactivateUserCommand extends CommandRunner {
  constructor(
    private readonly setActive: SetUserActiveUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_params: string[], options: UsernameOptions): Promise<void> {
    this.terminal.printJson(options.json === true);
    await this.setActive.execute(options.username, false);
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

@Command({
  name: 'activate_user',
  aliases: ['activate-user'],
  description: 'Let a deactivated user log in again',
})
export class ActivateUserCommand extends CommandRunner {
  constructor(
    private readonly setActive: SetUserActiveUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_params: string[], options: UsernameOptions): Promise<void> {
    this.terminal.printJson(options.json === true);
    await this.setActive.execute(options.username, true);
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
