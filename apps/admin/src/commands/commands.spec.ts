import { Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { CommandFactory, CommandRunnerService, InjectCommander } from 'nest-commander';
import { PassThrough } from 'node:stream';
import { CliError } from '../cli/cli-error';
import { Terminal } from '../cli/terminal';
import { InviteLinkUseCase } from '../invite-links/invite-link.usecase';
import { PublishLabelingEventUseCase } from '../labeling/publish-labeling-event.usecase';
import { StartLocalStackUseCase } from '../local-stack/start-local-stack.usecase';
import { CreateUserUseCase } from '../users/create-user.usecase';
import { ListUsersUseCase } from '../users/list-users.usecase';
import { ResetPasswordUseCase } from '../users/reset-password.usecase';
import { ResetUserTokenUseCase } from '../users/reset-user-token.usecase';
import { SetUserActiveUseCase } from '../users/set-user-active.usecase';
import { UserInfo, UserInfoUseCase } from '../users/user-info.usecase';
import { ADMIN_COMMANDS } from '../admin.module';

const aUserInfo = (): UserInfo => ({
  id: 1,
  first_name: '',
  last_name: '',
  username: '',
  email: 'ann@example.com',
  last_activity: null,
  custom_hotkeys: {},
  avatar: null,
  initials: 'an',
  phone: '',
  active_organization: 1,
  active_organization_meta: { title: 'Label Studio', email: 'ann@example.com' },
  allow_newsletters: null,
  date_joined: '2026-01-01T00:00:00.000Z',
  token: 'abcdef',
  status: 'ok',
});

/** commander exits the process on a parse error or --help; in a test it must throw instead. */
@Injectable()
class ThrowInsteadOfExit implements OnApplicationBootstrap {
  constructor(
    @InjectCommander() private readonly program: { commands: Array<{ exitOverride(): unknown }> },
  ) {}

  onApplicationBootstrap(): void {
    for (const command of this.program.commands) command.exitOverride();
  }
}

/** The real commands over fake use-cases: what each command line turns into. */
async function run(argv: string[]) {
  const useCases = {
    userInfo: {
      execute: jest.fn(async (username: string) => (username === 'ann@example.com' ? aUserInfo() : null)),
    },
    resetPassword: { execute: jest.fn(async () => undefined) },
    createUser: { execute: jest.fn(async () => undefined) },
    start: { execute: jest.fn(async () => undefined) },
    listUsers: { execute: jest.fn(async () => []) },
    setActive: { execute: jest.fn(async () => undefined) },
    resetToken: { execute: jest.fn(async () => undefined) },
    inviteLink: {
      execute: jest.fn(async (reset: boolean) =>
        reset ? '/user/signup/?token=new' : '/user/signup/?token=t',
      ),
    },
    publishLabelingEvent: {
      execute: jest.fn(async (kind: string) => ({
        published: kind,
        subject: 'labeling.events.project.deleted.v1',
        stream: 'LABELING',
        seq: 1,
        duplicate: false,
        event: { eventId: 'e', occurredAt: '2026-01-01T00:00:00.000Z', projectId: 7 },
      })),
    },
  };
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const commanderOutput: string[] = [];

  @Module({
    providers: [
      ...ADMIN_COMMANDS,
      ThrowInsteadOfExit,
      { provide: Terminal, useValue: new Terminal({ input: new PassThrough(), output, errors: output }) },
      { provide: UserInfoUseCase, useValue: useCases.userInfo },
      { provide: ResetPasswordUseCase, useValue: useCases.resetPassword },
      { provide: CreateUserUseCase, useValue: useCases.createUser },
      { provide: StartLocalStackUseCase, useValue: useCases.start },
      { provide: ListUsersUseCase, useValue: useCases.listUsers },
      { provide: SetUserActiveUseCase, useValue: useCases.setActive },
      { provide: ResetUserTokenUseCase, useValue: useCases.resetToken },
      { provide: InviteLinkUseCase, useValue: useCases.inviteLink },
      { provide: PublishLabelingEventUseCase, useValue: useCases.publishLabelingEvent },
    ],
  })
  class TestModule {}

  let failure: unknown;
  const app = await CommandFactory.createWithoutRunning(TestModule, {
    logger: false,
    errorHandler: (error) => {
      throw error;
    },
    serviceErrorHandler: (error) => {
      failure = error;
    },
    outputConfiguration: {
      writeOut: (text) => commanderOutput.push(text),
      writeErr: (text) => commanderOutput.push(text),
    },
  });
  try {
    await app.get(CommandRunnerService).run(['node', 'label-studio', ...argv]);
  } catch (error) {
    failure = error;
  } finally {
    await app.close();
  }
  return { useCases, failure, printed: chunks.join(''), commander: commanderOutput.join('') };
}

describe('label-studio command lines', () => {
  it('user --username U prints the header and the JSON line', async () => {
    const { useCases, printed, failure } = await run(['user', '--username', 'ann@example.com']);
    expect(failure).toBeUndefined();
    expect(useCases.userInfo.execute).toHaveBeenCalledWith('ann@example.com');
    const lines = printed.trimEnd().split('\n');
    expect(lines[0]).toBe('=> User info:');
    expect(JSON.parse(lines[1])).toEqual(aUserInfo());
  });

  it('user defaults to Label Studio’s default_user@localhost', async () => {
    const { useCases } = await run(['user']);
    expect(useCases.userInfo.execute).toHaveBeenCalledWith('default_user@localhost');
  });

  it('user with an unknown username prints Label Studio’s error JSON and fails', async () => {
    const { printed, failure } = await run(['user', '--username', 'nobody']);
    expect(printed).toBe(`{"status": "error", "message": "user nobody doesn't exist"}\n`);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as CliError).exitCode).toBe(1);
  });

  it('reset_password passes what it was given and leaves the rest to the prompts', async () => {
    const all = await run(['reset_password', '--username', 'ann@example.com', '--password', 'New-Pass-123']);
    expect(all.useCases.resetPassword.execute).toHaveBeenCalledWith({
      username: 'ann@example.com',
      password: 'New-Pass-123',
    });
    const none = await run(['reset_password']);
    expect(none.useCases.resetPassword.execute).toHaveBeenCalledWith({});
    const dashed = await run(['reset-password', '--username=ann@example.com']);
    expect(dashed.useCases.resetPassword.execute).toHaveBeenCalledWith({ username: 'ann@example.com' });
  });

  it('keeps an empty --password (so identity can say "Can not set empty password")', async () => {
    const { useCases } = await run(['reset_password', '--username', 'a@b.c', '--password', '']);
    expect(useCases.resetPassword.execute).toHaveBeenCalledWith({ username: 'a@b.c', password: '' });
  });

  it('create_user maps --user-token and requires --username', async () => {
    const ok = await run(['create_user', '--username', 'a@b.c', '--password', 'pw', '--user-token', 'abcde']);
    expect(ok.useCases.createUser.execute).toHaveBeenCalledWith({
      username: 'a@b.c',
      password: 'pw',
      token: 'abcde',
    });
    const missing = await run(['create_user', '--password', 'pw']);
    expect(missing.useCases.createUser.execute).not.toHaveBeenCalled();
    expect(missing.commander).toContain("required option '--username <email>' not specified");
  });

  it('start passes the account options through', async () => {
    const { useCases } = await run([
      'start',
      '--username',
      'a@b.c',
      '--password',
      'pw',
      '--user-token',
      'tok12',
    ]);
    expect(useCases.start.execute).toHaveBeenCalledWith({
      username: 'a@b.c',
      password: 'pw',
      token: 'tok12',
    });
  });

  it.each([
    [['deactivate_user', '--username', 'a@b.c'], false],
    [['activate_user', '--username', 'a@b.c'], true],
  ])('%j sets the active flag to %s', async (argv, active) => {
    const { useCases } = await run(argv);
    expect(useCases.setActive.execute).toHaveBeenCalledWith('a@b.c', active);
  });

  it('reset_token and list_users --json reach their use-cases', async () => {
    expect(
      (await run(['reset_token', '--username', 'a@b.c'])).useCases.resetToken.execute,
    ).toHaveBeenCalledWith('a@b.c');
    const list = await run(['list_users', '--json']);
    expect(list.printed).toBe('[]\n');
  });

  it('user --json prints only the user, as one JSON line', async () => {
    const { printed } = await run(['user', '--username', 'ann@example.com', '--json']);
    expect(printed.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(printed)).toEqual(aUserInfo());
  });

  it('invite_link --json prints the link as a JSON object', async () => {
    expect(JSON.parse((await run(['invite_link', '--json'])).printed)).toEqual({
      invite_url: '/user/signup/?token=t',
    });
  });

  it('invite_link prints the path, and --reset asks for a new one', async () => {
    expect((await run(['invite_link'])).printed).toBe('/user/signup/?token=t\n');
    const reset = await run(['invite_link', '--reset']);
    expect(reset.useCases.inviteLink.execute).toHaveBeenCalledWith(true);
    expect(reset.printed).toBe('/user/signup/?token=new\n');
  });

  it('labeling_event passes the kind and every option, and prints the published event as one JSON line', async () => {
    const { useCases, printed, failure } = await run([
      'labeling_event',
      'project_created',
      '--project',
      '7',
      '--organization',
      '1',
      '--title',
      'Cats and dogs',
      '--user',
      '2',
      '--event-id',
      'evt-7',
      '--occurred-at',
      '2026-01-01T00:00:00Z',
    ]);
    expect(failure).toBeUndefined();
    expect(useCases.publishLabelingEvent.execute).toHaveBeenCalledWith('project_created', {
      project: '7',
      organization: '1',
      title: 'Cats and dogs',
      user: '2',
      eventId: 'evt-7',
      occurredAt: '2026-01-01T00:00:00Z',
    });
    const lines = printed.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ published: 'project_created', stream: 'LABELING', seq: 1 });

    const annotation = await run([
      'labeling-event',
      'annotation_deleted',
      '--annotation',
      '31',
      '--project',
      '7',
    ]);
    expect(annotation.useCases.publishLabelingEvent.execute).toHaveBeenCalledWith('annotation_deleted', {
      annotation: '31',
      project: '7',
    });
  });

  it('labeling_event without a type runs nothing', async () => {
    const { useCases, commander } = await run(['labeling_event', '--project', '7']);
    expect(useCases.publishLabelingEvent.execute).not.toHaveBeenCalled();
    expect(commander).toContain("missing required argument 'type'");
  });

  it('refuses an unknown option without running anything', async () => {
    const { useCases, commander } = await run(['user', '--usrname', 'x']);
    expect(useCases.userInfo.execute).not.toHaveBeenCalled();
    expect(commander).toContain("unknown option '--usrname'");
  });

  it.each([
    'user',
    'reset_password',
    'create_user',
    'start',
    'list_users',
    'deactivate_user',
    'activate_user',
    'reset_token',
    'invite_link',
    'labeling_event',
  ])('%s --help prints its usage and exits 0', async (name) => {
    const { commander, failure } = await run([name, '--help']);
    expect(commander).toContain(`Usage: label-studio ${name}`);
    expect((failure as { exitCode?: number }).exitCode).toBe(0);
  });
});
