import { Command, CommandRunner, Option } from 'nest-commander';
import { Terminal } from '../cli/terminal';
import { RotateSigningKeyUseCase } from '../signing-keys/rotate-signing-key.usecase';
import { CreatePatUseCase } from '../users/create-pat.usecase';
import { JSON_OPTION, USERNAME_HELP } from './options';

interface CreatePatOptions {
  username: string;
  replace?: boolean;
  json?: boolean;
}

@Command({
  name: 'create_pat',
  aliases: ['create-pat'],
  description: 'Create a personal access token for a user and print it (shown this once)',
})
export class CreatePatCommand extends CommandRunner {
  constructor(
    private readonly createPat: CreatePatUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_params: string[], options: CreatePatOptions): Promise<void> {
    this.terminal.printJson(options.json === true);
    await this.createPat.execute(options.username, options.replace ?? false);
  }

  @Option({ flags: '--username <email>', description: USERNAME_HELP, required: true })
  parseUsername(value: string): string {
    return value;
  }

  @Option({ flags: '--replace', description: 'revoke the valid personal access token the user has first' })
  parseReplace(): boolean {
    return true;
  }

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}

@Command({
  name: 'rotate_signing_key',
  aliases: ['rotate-signing-key'],
  description:
    'Start signing access tokens with a new key; the old one keeps verifying the tokens it signed until they expire',
})
export class RotateSigningKeyCommand extends CommandRunner {
  constructor(
    private readonly rotate: RotateSigningKeyUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_params: string[], options: { json?: boolean }): Promise<void> {
    this.terminal.printJson(options.json === true);
    await this.rotate.execute();
  }

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}
