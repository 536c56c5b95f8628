import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Module, OnApplicationBootstrap, Type } from '@nestjs/common';
import { InjectCommander } from 'nest-commander';
import { AdminBus } from './bus/admin-bus';
import { completeHelp, HelpCommand } from './cli/help';
import { Terminal, TERMINAL_STREAMS, TerminalStreams } from './cli/terminal';
import { CreateUserCommand } from './commands/create-user.command';
import { InviteLinkCommand } from './commands/invite-link.command';
import { LabelingEventCommand } from './commands/labeling-event.command';
import { ListUsersCommand } from './commands/list-users.command';
import { ResetPasswordCommand } from './commands/reset-password.command';
import { ResetTokenCommand } from './commands/reset-token.command';
import { ActivateUserCommand, DeactivateUserCommand } from './commands/set-active.commands';
import { StartCommand } from './commands/start.command';
import { UserCommand } from './commands/user.command';
import { ADMIN_CONFIG, AdminConfig, checkoutOf, STACK_ENVIRONMENT, stackEnvironment } from './config';
import { InviteLinkUseCase } from './invite-links/invite-link.usecase';
import { PublishLabelingEventUseCase } from './labeling/publish-labeling-event.usecase';
import { StartLocalStackUseCase } from './local-stack/start-local-stack.usecase';
import { CreateUserUseCase } from './users/create-user.usecase';
import { FindUser } from './users/find-user';
import { ListUsersUseCase } from './users/list-users.usecase';
import { ResetPasswordUseCase } from './users/reset-password.usecase';
import { ResetUserTokenUseCase } from './users/reset-user-token.usecase';
import { SetUserActiveUseCase } from './users/set-user-active.usecase';
import { UserInfoUseCase } from './users/user-info.usecase';

export const PROGRAM_NAME = 'label-studio';

/** The project's version (its package.json, found from here in a checkout and in the images). */
export function programVersion(): string {
  const root = checkoutOf(__dirname);
  if (!root) return 'unknown';
  return (
    (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ??
    'unknown'
  );
}

/** The part of nest-commander's commander `Command` used here (commander is its dependency, not ours). */
interface Program {
  name(name: string): unknown;
  description(text: string): unknown;
  commands: readonly HelpCommand[];
}

/**
 * Help and errors say `label-studio`, however the script was started (bin link, node dist/…), and
 * each command's help is complete (required options, environment, an example).
 */
@Injectable()
class ProgramHelp implements OnApplicationBootstrap {
  constructor(@InjectCommander() private readonly program: Program) {
    program.name(PROGRAM_NAME);
    program.description('Label Studio user management: the operator’s commands');
  }

  /** The commands are registered by now. */
  onApplicationBootstrap(): void {
    completeHelp(this.program.commands);
  }
}

export const ADMIN_COMMANDS = [
  UserCommand,
  ResetPasswordCommand,
  CreateUserCommand,
  StartCommand,
  ListUsersCommand,
  DeactivateUserCommand,
  ActivateUserCommand,
  ResetTokenCommand,
  InviteLinkCommand,
  LabelingEventCommand,
];

/** The CLI: commands (thin), use-cases that talk to the services over NATS, and the terminal. */
export function adminModule(config: AdminConfig, streams: TerminalStreams): Type<unknown> {
  @Module({
    providers: [
      { provide: ADMIN_CONFIG, useValue: config },
      { provide: TERMINAL_STREAMS, useValue: streams },
      { provide: STACK_ENVIRONMENT, useFactory: stackEnvironment },
      { provide: Terminal, useFactory: (s: TerminalStreams) => new Terminal(s), inject: [TERMINAL_STREAMS] },
      ProgramHelp,
      AdminBus,
      FindUser,
      UserInfoUseCase,
      ResetPasswordUseCase,
      CreateUserUseCase,
      SetUserActiveUseCase,
      ResetUserTokenUseCase,
      ListUsersUseCase,
      InviteLinkUseCase,
      PublishLabelingEventUseCase,
      StartLocalStackUseCase,
      ...ADMIN_COMMANDS,
    ],
  })
  class AdminModule {}
  return AdminModule;
}
