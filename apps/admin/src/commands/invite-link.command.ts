import { Command, CommandRunner, Option } from 'nest-commander';
import { Terminal } from '../cli/terminal';
import { InviteLinkUseCase } from '../invite-links/invite-link.usecase';

interface InviteLinkOptions {
  reset?: boolean;
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
    this.terminal.out(await this.inviteLink.execute(options.reset === true));
  }

  @Option({ flags: '--reset', description: 'make a new link first; the old one stops working at once' })
  parseReset(): boolean {
    return true;
  }
}
