import { Command, CommandRunner, Option } from 'nest-commander';
import { Terminal } from '../cli/terminal';
import { InviteLinkUseCase } from '../invite-links/invite-link.usecase';
import { JSON_OPTION } from './options';

interface InviteLinkOptions {
  reset?: boolean;
  json?: boolean;
}

@Command({
  name: 'invite_link',
  aliases: ['invite-link'],
  description: 'Print the invitation link path of the organization (/user/signup/?token=…)',
})
export class InviteLinkCommand extends CommandRunner {
  constructor(
    private readonly inviteLink: InviteLinkUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run(_params: string[], options: InviteLinkOptions = {}): Promise<void> {
    this.terminal.printJson(options.json === true);
    const path = await this.inviteLink.execute(options.reset === true);
    this.terminal.result(path, { invite_url: path });
  }

  @Option({ flags: '--reset', description: 'make a new link first; the old one stops working at once' })
  parseReset(): boolean {
    return true;
  }

  @Option(JSON_OPTION)
  parseJson(): boolean {
    return true;
  }
}
