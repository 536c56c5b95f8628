import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { readJson, TestBrowser, tokenHeaders, UserBody } from '../support/http-client';
import { testInfra } from '../support/infra';
import { freePort } from '../support/nats-server';
import { eventually, startTestStack, TestStack } from '../support/stack';

const ROOT = resolve(__dirname, '..', '..');
/** The installed command: the committed bin wrapper, which runs the built app in dist/. */
const LABEL_STUDIO = resolve(ROOT, 'bin', 'label-studio.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `label-studio …` as a process; `input` is written to its stdin (a pipe, not a terminal). */
function labelStudio(
  args: string[],
  options: { env: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<CliResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [LABEL_STUDIO, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...options.env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (options.input !== undefined) child.stdin?.end(options.input);
  return new Promise((resolveResult, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`label-studio ${args.join(' ')} did not finish: ${stdout} ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveResult({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');
const lastLine = (text: string) => lines(text).at(-1) ?? '';

const USER_KEYS = [
  'id',
  'first_name',
  'last_name',
  'username',
  'email',
  'last_activity',
  'custom_hotkeys',
  'avatar',
  'initials',
  'phone',
  'active_organization',
  'active_organization_meta',
  'allow_newsletters',
  'date_joined',
  'token',
  'personal_access_token',
  'status',
];

describe('label-studio: the admin commands against the running system', () => {
  let sut: TestStack;
  let env: Record<string, string>;
  const cli = (args: string[], input?: string) => labelStudio(args, { env, input });
  const whoami = (token: string) =>
    fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers: tokenHeaders(token) });

  const OWNER = 'owner@example.com';
  const OWNER_TOKEN = `owner-${randomBytes(10).toString('hex')}`;

  beforeAll(async () => {
    sut = await startTestStack();
    env = { ...sut.nats.envFor('admin'), BUS_TIMEOUT_MS: '3000' };
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  describe('create_user', () => {
    it('refuses a token shorter than 5 characters, creating nothing', async () => {
      const result = await cli([
        'create_user',
        '--username',
        OWNER,
        '--password',
        'Owner-Pass-1',
        '--user-token',
        'abcd',
      ]);
      expect(result.code).not.toBe(0);
      expect(lines(result.stderr)).toEqual(['Token must be at least 5 characters']);
      expect(await sut.query('identity', 'SELECT 1 FROM account')).toHaveLength(0);
    });

    it('creates a superuser whose token works, and founds "Label Studio"', async () => {
      const result = await cli([
        'create_user',
        '--username',
        OWNER,
        '--password',
        'Owner-Pass-1',
        '--user-token',
        OWNER_TOKEN,
      ]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(lines(result.stdout)).toEqual([`User ${OWNER} created`]);

      const me = await whoami(OWNER_TOKEN);
      expect(me.status).toBe(200);
      expect(await readJson<UserBody>(me)).toMatchObject({
        email: OWNER,
        username: '',
        active_organization_meta: { title: 'Label Studio', email: OWNER },
      });
      const audit = await sut.query(
        'identity',
        `SELECT actor FROM audit_log WHERE action = 'account.provision'`,
      );
      expect(audit).toEqual([{ actor: 'admin' }]);
    });

    it('leaves an existing user as it is and says so (exit 0)', async () => {
      const result = await cli([
        'create_user',
        '--username',
        OWNER.toUpperCase(),
        '--password',
        'Other-Pass-2',
        '--user-token',
        'other-token',
      ]);
      expect(result.code).toBe(0);
      expect(lines(result.stdout)).toEqual([`User ${OWNER.toUpperCase()} already exists`]);
      expect((await whoami(OWNER_TOKEN)).status).toBe(200);
      expect((await whoami('other-token')).status).toBe(401);
    });

    it('reads the password from stdin when it is not given', async () => {
      const result = await cli(['create_user', '--username', 'piped@example.com'], 'Piped-Pass-3\n');
      expect(result.code).toBe(0);
      const browser = new TestBrowser(sut.baseUrl);
      expect((await browser.login('piped@example.com', 'Piped-Pass-3')).status).toBe(302);
    });
  });

  describe('user', () => {
    it('prints "=> User info:" and, as the last line, JSON with Label Studio’s keys and the token', async () => {
      const result = await cli(['user', '--username', OWNER]);
      expect(result.code).toBe(0);
      const output = lines(result.stdout);
      expect(output.at(-2)).toBe('=> User info:');
      const info = JSON.parse(lastLine(result.stdout)) as Record<string, unknown>;
      expect(Object.keys(info)).toEqual(USER_KEYS);
      expect(info).toMatchObject({
        email: OWNER,
        username: '',
        first_name: '',
        initials: 'ow',
        token: OWNER_TOKEN,
        active_organization: expect.any(Number),
        active_organization_meta: { title: 'Label Studio', email: OWNER },
        status: 'ok',
      });
    });

    it('finds the user whatever the case of the address', async () => {
      const result = await cli(['user', '--username', ` ${OWNER.toUpperCase()} `]);
      expect(JSON.parse(lastLine(result.stdout))).toMatchObject({ email: OWNER, status: 'ok' });
    });

    it.each([
      'nobody@example.com',
      `quo"te's@example.com`,
      "'; DROP TABLE account; --",
      'ünïcødé@例え.jp',
      'two\nlines',
      'x'.repeat(400),
      '',
    ])(
      'answers %j with Label Studio’s error JSON on the last line and a failure status',
      async (username) => {
        const result = await cli(['user', '--username', username]);
        expect(result.code).not.toBe(0);
        expect(JSON.parse(lastLine(result.stdout))).toEqual({
          status: 'error',
          message: `user ${username} doesn't exist`,
        });
      },
    );

    it('prints the error line exactly as Label Studio spaces it', async () => {
      const result = await cli(['user', '--username', 'nobody@example.com']);
      expect(lastLine(result.stdout)).toBe(
        `{"status": "error", "message": "user nobody@example.com doesn't exist"}`,
      );
    });
  });

  describe('reset_password', () => {
    const ANN = 'ann@example.com';
    let ann: TestBrowser;

    beforeAll(async () => {
      ann = new TestBrowser(sut.baseUrl);
      expect((await ann.signup(ANN, 'Ann-Pass-1')).status).toBe(302);
      expect((await ann.get('/api/current-user/whoami')).status).toBe(200);
    });

    it('changes the password from flags and ends the user’s sessions', async () => {
      const result = await cli(['reset_password', '--username', ANN, '--password', 'Ann-Pass-2']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(lines(result.stdout)).toEqual(['Password successfully changed']);
      expect((await ann.get('/api/current-user/whoami')).status).toBe(401);

      const again = new TestBrowser(sut.baseUrl);
      expect((await again.login(ANN, 'Ann-Pass-1')).status).toBe(200);
      expect((await again.login(ANN, 'Ann-Pass-2')).status).toBe(302);
      const audit = await sut.query(
        'identity',
        `SELECT actor FROM audit_log WHERE action = 'password.reset'`,
      );
      expect(audit).toEqual([{ actor: 'admin' }]);
    });

    it('reads the new password from stdin (a script, no password on the command line)', async () => {
      const result = await cli(['reset_password', '--username', ANN], 'Ann-Pass-3\n');
      expect(result.code).toBe(0);
      expect(lines(result.stdout)).toEqual(['Password successfully changed']);
      expect((await new TestBrowser(sut.baseUrl).login(ANN, 'Ann-Pass-3')).status).toBe(302);
    });

    it('reads the username and then the password when neither is given', async () => {
      const result = await cli(['reset_password'], `${ANN}\nAnn-Pass-4\n`);
      expect(result.code).toBe(0);
      expect((await new TestBrowser(sut.baseUrl).login(ANN, 'Ann-Pass-4')).status).toBe(302);
    });

    it.each([
      [['--password', 'Ann-Pass-4'], undefined, 'Entered password is the same as current'],
      [[], '\n', 'Can not set empty password'],
      [['--password', ''], undefined, 'Can not set empty password'],
      [['--password', 'short'], undefined, 'Please enter a password 8\u2013128 characters in length.'],
      [['--password', 'ann@example.com'], undefined, 'The password is too similar to the email address.'],
    ])('refuses %j (stdin %j) with one line: %s', async (flags, input, message) => {
      const result = await cli(['reset_password', '--username', ANN, ...flags], input);
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr)).toEqual([message]);
    });

    it('says which user it could not find', async () => {
      const result = await cli([
        'reset_password',
        '--username',
        'ghost@example.com',
        '--password',
        'Ghost-Pass-1',
      ]);
      expect(result.code).not.toBe(0);
      expect(lines(result.stderr)).toEqual(['User with username ghost@example.com not found']);
    });
  });

  describe('operator extras', () => {
    it('deactivate_user stops the token at once; activate_user lets it back', async () => {
      const off = await cli(['deactivate_user', '--username', 'piped@example.com']);
      expect(lines(off.stdout)).toEqual(['User piped@example.com deactivated']);
      const token = JSON.parse(
        lastLine((await cli(['user', '--username', 'piped@example.com'])).stdout),
      ).token;
      expect((await whoami(token)).status).toBe(401);
      const browser = new TestBrowser(sut.baseUrl);
      expect((await browser.login('piped@example.com', 'Piped-Pass-3')).status).toBe(200);

      const on = await cli(['activate_user', '--username', 'piped@example.com']);
      expect(lines(on.stdout)).toEqual(['User piped@example.com activated']);
      expect((await whoami(token)).status).toBe(200);
    });

    it('reset_token prints a new token; the old one is refused', async () => {
      const result = await cli(['reset_token', '--username', 'piped@example.com']);
      expect(result.code).toBe(0);
      const fresh = lastLine(result.stdout);
      expect(fresh).toMatch(/^[0-9a-f]{40}$/);
      expect((await whoami(fresh)).status).toBe(200);
      const shown = JSON.parse(
        lastLine((await cli(['user', '--username', 'piped@example.com'])).stdout),
      ).token;
      expect(shown).toBe(fresh);
    });

    it('list_users prints every account, as a table or as JSON', async () => {
      const json = await cli(['list_users', '--json']);
      expect(json.code).toBe(0);
      const users = JSON.parse(json.stdout) as Array<{ email: string; is_superuser: boolean }>;
      expect(users.map((u) => u.email)).toEqual([OWNER, 'piped@example.com', 'ann@example.com']);
      expect(users[0].is_superuser).toBe(true);
      const table = lines((await cli(['list_users'])).stdout);
      expect(table[0]).toMatch(/^ID\s+EMAIL/);
      expect(table.at(-1)).toBe('3 users');
    });

    it('invite_link prints the signup path; --reset makes the old link stop working', async () => {
      const first = await cli(['invite_link']);
      expect(first.code).toBe(0);
      const link = lastLine(first.stdout);
      expect(link).toMatch(/^\/user\/signup\/\?token=\S+$/);
      const reset = await cli(['invite_link', '--reset']);
      const fresh = lastLine(reset.stdout);
      expect(fresh).toMatch(/^\/user\/signup\/\?token=\S+$/);
      expect(fresh).not.toBe(link);
      expect(lastLine((await cli(['invite_link'])).stdout)).toBe(fresh);
    });

    it('prints --help for a command without needing the bus', async () => {
      const result = await labelStudio(['reset_password', '--help'], {
        env: { NATS_SERVERS: 'nats://127.0.0.1:1' },
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: label-studio reset_password');
    });

    it("--version prints the project version; a command's help marks required options, names the environment and gives an example", async () => {
      const offline = { env: { NATS_SERVERS: 'nats://127.0.0.1:1' } };
      const version = await labelStudio(['--version'], offline);
      expect(version.code).toBe(0);
      expect(version.stdout.trim()).toBe(
        (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version,
      );
      const help = (await labelStudio(['deactivate_user', '--help'], offline)).stdout;
      expect(help).toMatch(/--username <email>\s+.*\(required\)/);
      expect(help).toMatch(/--json\s+print the result as one JSON object/);
      expect(help).toContain('Example:\n  label-studio deactivate_user --username');
      expect(help).toMatch(/Environment:\n\s+NATS_SERVERS/);
      expect(help).toContain('NATS_NKEY_SEED[_FILE]');
      // Optional options are not marked.
      expect((await labelStudio(['reset_password', '--help'], offline)).stdout).not.toContain('(required)');
    });

    it('prints a shell completion script whose completions come from the commands themselves', async () => {
      const offline = { env: { NATS_SERVERS: 'nats://127.0.0.1:1' } };
      const script = await labelStudio(['completion-script'], offline);
      expect(script.code).toBe(0);
      expect(script.stdout).toContain(
        'complete -o bashdefault -o default -F _label-studio_nest_commander_completions label-studio',
      );
      const options = await labelStudio(['completion', 'label-studio', 'reset_token', '--'], offline);
      expect(options.stdout.split('\n')).toEqual(expect.arrayContaining(['--username', '--json']));
    });

    it('--json gives scripts one JSON object', async () => {
      const user = await cli(['user', '--username', OWNER, '--json']);
      expect(user.code).toBe(0);
      const lines = user.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0])).toMatchObject({ email: OWNER });
      const link = JSON.parse(lastLine((await cli(['invite_link', '--json'])).stdout)) as {
        invite_url: string;
      };
      expect(link.invite_url).toMatch(/^\/user\/signup\/\?token=\S+$/);
      const again = JSON.parse(
        lastLine((await cli(['activate_user', '--username', OWNER, '--json'])).stdout),
      );
      expect(again).toMatchObject({ email: OWNER, is_active: true, changed: false });
    });
  });

  describe('failures are one line and a quick non-zero exit', () => {
    it('when the bus cannot be reached', async () => {
      const port = await freePort();
      const result = await labelStudio(['user', '--username', OWNER], {
        env: {
          NATS_SERVERS: `nats://127.0.0.1:${port}`,
          NATS_NKEY_SEED: sut.nats.seedOf('admin'),
          BUS_TIMEOUT_MS: '1500',
        },
      });
      expect(result.code).not.toBe(0);
      expect(lines(result.stderr)).toEqual([
        `error: cannot reach the message bus at nats://127.0.0.1:${port}`,
      ]);
      expect(result.ms).toBeLessThan(8_000);
    });

    it('when a service is down, and again once it is back', async () => {
      await sut.stack.stopApp('identity');
      try {
        const result = await cli(['reset_password', '--username', OWNER, '--password', 'Owner-Pass-9']);
        expect(result.code).not.toBe(0);
        expect(lines(result.stderr)).toEqual(['error: the identity service is not answering']);
        expect(result.ms).toBeLessThan(8_000);
      } finally {
        await sut.stack.startApp('identity');
      }
      const back = await cli(['user', '--username', OWNER]);
      expect(back.code).toBe(0);
    });
  });
});

describe('the bootstrap account (LABEL_STUDIO_USERNAME / _PASSWORD / _USER_TOKEN)', () => {
  let sut: TestStack;
  const TOKEN = `boot-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    sut = await startTestStack({
      LABEL_STUDIO_USERNAME: 'Boss@Example.com',
      LABEL_STUDIO_PASSWORD: 'Boss-Pass-1',
      LABEL_STUDIO_USER_TOKEN: TOKEN,
    });
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  it('exists when the system is up: its token works and it owns the "Label Studio" organization', async () => {
    const me = await eventually(async () => {
      const res = await fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers: tokenHeaders(TOKEN) });
      const body = res.status === 200 ? await readJson<UserBody>(res) : undefined;
      return body?.active_organization ? body : undefined;
    });
    expect(me).toMatchObject({
      email: 'boss@example.com',
      username: '',
      active_organization_meta: { title: 'Label Studio', email: 'boss@example.com' },
    });
    const organizations = await sut.query('invitations', 'SELECT * FROM organization');
    expect(organizations).toHaveLength(1);
    expect(organizations[0]).toMatchObject({ title: 'Label Studio' });
    expect(JSON.stringify(organizations[0])).toContain(String(me.id));
    expect(sut.logs.map((l) => l.line).join('\n')).not.toContain('Boss-Pass-1');
  });

  it('logs in on the web form with the configured password', async () => {
    const browser = new TestBrowser(sut.baseUrl);
    expect((await browser.login('boss@example.com', 'Boss-Pass-1')).status).toBe(302);
  });
});

describe('label-studio start', () => {
  const prefix = `e2e_start_${randomBytes(3).toString('hex')}`;
  const stackDir = mkdtempSync(join(tmpdir(), 'ls-start-'));

  afterAll(async () => {
    rmSync(stackDir, { recursive: true, force: true });
    const admin = new Client({ connectionString: testInfra.postgresUrl });
    await admin.connect();
    for (const app of ['identity', 'invitations', 'profiles']) {
      await admin.query(`DROP DATABASE IF EXISTS "${prefix}_${app}" WITH (FORCE)`);
    }
    await admin.end();
  });

  it('runs the system with the account created first, and stops everything on Ctrl-C', async () => {
    const postgres = new URL(testInfra.postgresUrl);
    postgres.pathname = '/';
    const port = await freePort();
    const token = `start-${randomBytes(6).toString('hex')}`;
    const child = spawn(
      process.execPath,
      [
        LABEL_STUDIO,
        'start',
        '--username',
        'starter@example.com',
        '--password',
        'Start-Pass-1',
        '--user-token',
        token,
      ],
      {
        env: {
          ...process.env,
          // The stack's state (its own NATS server and credentials) in a folder of the test's own.
          STACK_DIR: stackDir,
          MINIO_PORT: '0',
          POSTGRES_URL: postgres.toString(),
          DATABASE_PREFIX: prefix,
          PORT: String(port),
          IDENTITY_HEALTH_PORT: String(await freePort()),
          INVITATIONS_HEALTH_PORT: String(await freePort()),
          PROFILES_HEALTH_PORT: String(await freePort()),
          SECRET_KEY: randomBytes(48).toString('base64url'),
          BCRYPT_COST: '4',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', () => undefined);
    const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
    try {
      await eventually(async () => (stdout.includes('running at') ? true : undefined), 60_000);
      expect(stdout).toContain(`Label Studio is running at http://127.0.0.1:${port}`);
      // Its own NATS server, which refuses anyone without credentials.
      const natsUrl = /^NATS: (nats:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1];
      expect(natsUrl).toBeDefined();
      await expect(connect({ servers: natsUrl, reconnect: false })).rejects.toThrow(/Authorization/i);
      const me = await fetch(`http://127.0.0.1:${port}/api/current-user/whoami`, {
        headers: tokenHeaders(token),
      });
      expect(me.status).toBe(200);
      expect((await readJson<UserBody>(me)).email).toBe('starter@example.com');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/api/current-user/whoami`)).rejects.toThrow();
  });
});
