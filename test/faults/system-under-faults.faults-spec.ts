import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import sharp from 'sharp';
import { AppName, SERVICES, Stack } from '../../scripts/stack-runner';
import { readJson, TestBrowser, UserBody } from '../support/http-client';
import { LocalPostgres } from '../support/local-postgres';
import { freePort, TestNatsServer } from '../support/nats-server';
import { testInfra } from '../support/infra';
import { freeRange } from '../support/stack';
import { Load, Member, PASSWORD, Sample, summarise } from './load';

const ROOT = resolve(__dirname, '..', '..');
const REPLICAS = 2;
/** Every answer while a dependency is down comes within this. */
const ANSWER_WITHIN_MS = 5_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const countBy = (values: string[]) =>
  values.reduce<Record<string, number>>((out, v) => ({ ...out, [v]: (out[v] ?? 0) + 1 }), {});

/** What the report at the end prints. */
const figures: Record<string, unknown> = {};

/**
 * The whole system, two replicas of every app, on a NATS server, a PostgreSQL server and an S3
 * server of the suite's own, under steady load (signups, logins, whoami, avatar uploads) while
 * processes are killed and dependencies restarted, paused and stopped. At the end: every
 * acknowledged signup is a complete account, no account is half-made, nothing is duplicated.
 */
describe('the system under faults', () => {
  let pg: LocalPostgres;
  let nats: TestNatsServer;
  let stack: Stack;
  let storageDir: string;
  let load: Load;
  let avatar: Buffer;
  const logs: string[] = [];
  const members: Member[] = [];

  const query = async <T>(app: AppName, sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({
      connectionString: `${pg.url}/faults_${app}`,
      connectionTimeoutMillis: 5_000,
    });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  const gateways = () => stack.gatewayUrls;

  /** Memory of every app process (RSS, MiB), by `app#replica pid`. */
  const memory = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const app of [...SERVICES, 'gateway'] as AppName[]) {
      for (let r = 0; r < REPLICAS; r++) {
        const pid = stack.pidOf(app, r);
        if (!pid || !existsSync(`/proc/${pid}/status`)) continue;
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        if (rss) out[`${app}#${r} ${pid}`] = Math.round(Number(rss) / 1024);
      }
    }
    return out;
  };

  /** Restarts a replica and says how long it took to be ready again. */
  const restart = async (app: AppName, replica: number): Promise<number> => {
    const started = Date.now();
    await stack.startApp(app, 60_000, replica).catch((error: unknown) => {
      // What the app itself said meanwhile, so that a replica that never got ready explains itself.
      const said = logs.filter((l) => l.startsWith(`[${app}]`) && /"level":(40|50|60)/.test(l)).slice(-20);
      throw new Error(`${String(error)}\n${said.join('\n')}`);
    });
    return Date.now() - started;
  };

  /** What the last failed probe saw, for the message of a recovery that never came. */
  let lastSeen: unknown;
  /** Time until `probe` holds, polling; fails after `limitMs`. */
  const until = async (probe: () => Promise<boolean>, limitMs = 60_000): Promise<number> => {
    const started = Date.now();
    lastSeen = undefined;
    while (Date.now() - started < limitMs) {
      if (await probe().catch((error: unknown) => ((lastSeen = String(error)), false)))
        return Date.now() - started;
      await pause(100);
    }
    const recent = logs.filter((l) => /"level":(40|50|60)/.test(l)).slice(-15);
    throw new Error(
      `not recovered within ${limitMs} ms; last seen: ${JSON.stringify(lastSeen)}\n${recent.join('\n')}`,
    );
  };

  /** One request through every gateway: how long each took and what it answered. */
  const probe = async (
    request: (base: string) => Promise<Response>,
  ): Promise<
    Array<{ status: number; ms: number; body: Record<string, unknown> | null; retryAfter: string | null }>
  > =>
    Promise.all(
      gateways().map(async (base) => {
        const started = Date.now();
        const res = await request(base);
        const text = await res.text();
        let body: Record<string, unknown> | null;
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          body = null;
        }
        return {
          status: res.status,
          ms: Date.now() - started,
          body,
          retryAfter: res.headers.get('retry-after'),
        };
      }),
    );

  /** A signup of a new person per gateway (`prefix-<random>@example.com`). */
  const signupRequest = (prefix: string) => async (base: string) => {
    const browser = new TestBrowser(base);
    // A CSRF cookie of the form's kind, without asking for the page: only the POST is timed.
    browser.cookies.set('csrftoken', randomBytes(24).toString('hex'));
    const email = `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
    return browser.postForm('/user/signup/', { email, password: PASSWORD });
  };
  const whoamiRequest = (member: Member) => (base: string) =>
    fetch(`${base}/api/current-user/whoami`, {
      headers: { authorization: `Token ${member.token}` },
      signal: AbortSignal.timeout(30_000),
    });

  /** A down dependency: answered within the limit with a 503/504 in Label Studio's envelope. */
  const expectClearRefusal = (answers: Awaited<ReturnType<typeof probe>>) => {
    for (const answer of answers) {
      expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
      expect([503, 504]).toContain(answer.status);
      expect(answer.body).toMatchObject({
        status_code: answer.status,
        exc_info: null,
        detail: expect.any(String),
      });
      expect(answer.retryAfter).toBeTruthy();
    }
  };

  const signupSucceedsEverywhere = async () => {
    const answers = await probe(signupRequest('probe'));
    lastSeen = answers.map((a) => ({ status: a.status, detail: a.body?.detail }));
    return answers.every((a) => a.status === 302);
  };

  beforeAll(async () => {
    if (!existsSync(resolve(ROOT, 'dist/apps/gateway/src/main.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (npm run test:faults does)');
    }
    pg = await LocalPostgres.start();
    nats = await TestNatsServer.start();
    storageDir = mkdtempSync(join(tmpdir(), 'faults-s3-'));
    const replicaPorts = async () => [await freePort()];
    stack = new Stack({
      root: ROOT,
      postgresUrl: pg.url,
      databasePrefix: 'faults',
      nats,
      gatewayPort: await freeRange(REPLICAS),
      gatewayReplicas: REPLICAS,
      healthPorts: [await freePort(), await freePort(), await freePort()],
      serviceReplicaHealthPorts: {
        identity: await replicaPorts(),
        invitations: await replicaPorts(),
        profiles: await replicaPorts(),
      },
      secretKey: randomBytes(48).toString('base64url'),
      localStorage: { directory: storageDir, port: 0 },
      env: {
        BCRYPT_COST: '4',
        LOG_LEVEL: 'warn',
        BUS_TIMEOUT_MS: '3000',
        // Every answer within ANSWER_WITHIN_MS, also a login or signup while a dependency is down.
        PASSWORD_REQUEST_TIMEOUT_MS: '3000',
        STORAGE_TIMEOUT_MS: '2000',
        ACTIVITY_FLUSH_MS: '500',
        READ_MODEL_MAX_STALE_MS: '3000',
        SHUTDOWN_GRACE_MS: '5000',
        // Each request comes from an address of its own; throttling is not what is tested here.
        TRUST_PROXY_HOPS: '1',
        LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '100000',
        LOGIN_MAX_ATTEMPTS_PER_CLIENT: '100000',
      },
      output: (app, line) => {
        logs.push(`[${app}] ${line}`);
        if (logs.length > 5_000) logs.shift();
        if (process.env.E2E_VERBOSE) process.stdout.write(`[${app}] ${line}\n`);
      },
    });
    // Eight apps starting at once on a small machine: give them time.
    await stack.start(undefined, 180_000);

    const owner = new TestBrowser(stack.gatewayUrl);
    expect((await owner.signup('owner@example.com', PASSWORD)).status).toBe(302);
    for (let i = 0; i < 12; i++) {
      const browser = new TestBrowser(gateways()[i % REPLICAS]);
      const email = `member${i}@example.com`;
      expect((await browser.signup(email, PASSWORD)).status).toBe(302);
      const me = await readJson<UserBody>(await browser.get('/api/current-user/whoami'));
      const { token } = await readJson<{ token: string }>(await browser.get('/api/current-user/token'));
      members.push({ email, password: PASSWORD, token, userId: me.id });
    }
    avatar = await sharp({
      create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 80, b: 20 } },
    })
      .png()
      .toBuffer();
    load = new Load(gateways, members, avatar);
  });

  afterAll(async () => {
    await load?.stop();
    await stack?.stop();
    await nats?.dispose();
    await pg?.dispose();
    if (storageDir) rmSync(storageDir, { recursive: true, force: true });
    console.log(`fault suite figures:\n${JSON.stringify(figures, null, 2)}`);
  });

  const phase = async (name: string, body: () => Promise<unknown>) => {
    const from = load.samples.length;
    const started = Date.now();
    await body();
    const samples: Sample[] = load.samples.slice(from);
    figures[name] = {
      seconds: Math.round((Date.now() - started) / 100) / 10,
      requests: samples.length,
      outcomes: summarise(samples),
      ...((figures[name] as object | undefined) ?? {}),
    };
    return samples;
  };

  it('answers every request definitely under steady load', async () => {
    load.start(6);
    await phase('steady', () => pause(5_000));
    const samples = load.samples;
    expect(samples.filter((s) => s.outcome === 'ok').length).toBeGreaterThan(20);
    expect(samples.filter((s) => s.outcome === 'server-error' || s.outcome === 'network')).toEqual([]);
  });

  it('survives SIGKILL of each app in turn mid-signup; the other replica carries on', async () => {
    const restarts: Record<string, number> = {};
    await phase('kill each app', async () => {
      // One app after another, two seconds apart; each comes back as soon as it can (as an
      // orchestrator would restart it) while the next is killed.
      const back: Array<Promise<void>> = [];
      for (const app of ['identity', 'invitations', 'profiles', 'gateway'] as AppName[]) {
        await stack.stopReplica(app, 0, 'SIGKILL');
        back.push(restart(app, 0).then((ms) => void (restarts[app] = ms)));
        await pause(2_000);
      }
      await Promise.all(back);
    });
    (figures['kill each app'] as Record<string, unknown>).restartMs = restarts;
    const after = load.samples.slice(-50);
    expect(after.some((s) => s.outcome === 'ok')).toBe(true);
  });

  it('completes an account whose gateway died between the account and the membership', async () => {
    // Alone, so that its ticket and account are the only new ones.
    await load.stop();
    const email = `between-${randomBytes(3).toString('hex')}@example.com`;
    // Invitations frozen: the gateway holds an account it cannot yet give a membership.
    const frozen = [0, 1].map((r) => stack.pidOf('invitations', r)!);
    // The ticket first (invitations must answer that), then freeze it before the membership.
    const identityPids = [0, 1].map((r) => stack.pidOf('identity', r)!);
    const tickets = (await query('invitations', 'SELECT id FROM signup_ticket')).length;
    identityPids.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    const browser = new TestBrowser(stack.gatewayUrls[0]);
    await browser.get('/user/signup/');
    const pending = browser.postForm('/user/signup/', { email, password: PASSWORD }).catch(() => null);
    await until(async () => (await query('invitations', 'SELECT id FROM signup_ticket')).length > tickets);
    frozen.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    identityPids.forEach((pid) => process.kill(pid, 'SIGCONT'));
    await until(
      async () => (await query('identity', 'SELECT 1 FROM account WHERE email = $1', [email])).length === 1,
    );
    await stack.stopReplica('gateway', 0, 'SIGKILL');
    frozen.forEach((pid) => process.kill(pid, 'SIGCONT'));
    expect(await pending).toBeNull();

    const settled = await until(async () => {
      const [account] = await query<{ id: number }>('identity', 'SELECT id FROM account WHERE email = $1', [
        email,
      ]);
      const members = await query('invitations', 'SELECT 1 FROM organization_member WHERE user_id = $1', [
        account.id,
      ]);
      const profiles = await query('profiles', 'SELECT 1 FROM profile WHERE user_id = $1', [account.id]);
      return members.length === 1 && profiles.length === 1;
    }, 30_000);
    figures.completedFromEventMs = settled;
    await restart('gateway', 0);
    // Retrying the same signup: it exists, and the person can log in.
    const retry = await new TestBrowser(stack.gatewayUrl).signup(email, PASSWORD);
    // The form again, saying so (Label Studio's page answers 200 with the field error).
    expect(retry.status).toBe(200);
    expect(await retry.text()).toContain('already exists');
    expect((await new TestBrowser(stack.gatewayUrl).login(email, PASSWORD)).status).toBe(302);
  });

  it('deletes the account of a signup whose link was reset while its gateway died', async () => {
    const owner = new TestBrowser(stack.gatewayUrls[1]);
    expect((await owner.login('owner@example.com', PASSWORD)).status).toBe(302);
    const { token } = await readJson<{ token: string }>(await owner.get('/api/invite'));
    const email = `refused-${randomBytes(3).toString('hex')}@example.com`;
    const identityPids = [0, 1].map((r) => stack.pidOf('identity', r)!);
    const invitationsPids = [0, 1].map((r) => stack.pidOf('invitations', r)!);
    identityPids.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    const browser = new TestBrowser(stack.gatewayUrls[0]);
    await browser.get(`/user/signup/?token=${token}`);
    const before = (await query('invitations', 'SELECT id FROM signup_ticket')).length;
    const pending = browser
      .postForm(`/user/signup/?token=${token}`, { email, password: PASSWORD })
      .catch(() => null);
    await until(async () => (await query('invitations', 'SELECT id FROM signup_ticket')).length > before);
    // The link is reset after the signup was allowed and before its membership.
    expect((await owner.api('POST', '/api/invite/reset-token')).status).toBe(201);
    invitationsPids.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    identityPids.forEach((pid) => process.kill(pid, 'SIGCONT'));
    await until(
      async () => (await query('identity', 'SELECT 1 FROM account WHERE email = $1', [email])).length === 1,
    );
    await stack.stopReplica('gateway', 0, 'SIGKILL');
    invitationsPids.forEach((pid) => process.kill(pid, 'SIGCONT'));
    expect(await pending).toBeNull();

    figures.refusedAccountDeletedMs = await until(
      async () => (await query('identity', 'SELECT 1 FROM account WHERE email = $1', [email])).length === 0,
      30_000,
    );
    await restart('gateway', 0);
    // Processes that live from here to the end: their memory is compared then.
    figures.memoryAtStartMiB = memory();
    load.start(6);
  });

  it('answers within 5 s while NATS restarts, and recovers without restarting anything', async () => {
    await phase('NATS restart', async () => {
      await nats.stop();
      const started = Date.now();
      // Observed while it is down, judged once it is back (a failed check must not leave it down).
      let signups, whoami;
      try {
        signups = await probe(signupRequest('nats-down'));
        whoami = await probe(whoamiRequest(members[0]));
        await pause(Math.max(0, 3_000 - (Date.now() - started)));
      } finally {
        await nats.resume();
      }
      figures.natsRecoveryMs = await until(signupSucceedsEverywhere);
      expectClearRefusal(signups);
      for (const answer of whoami) {
        expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
        expect([200, 503]).toContain(answer.status);
      }
    });
  });

  it('answers within 5 s while PostgreSQL restarts or is paused, and recovers by itself', async () => {
    await phase('PostgreSQL restart', async () => {
      await pg.stop();
      let signups, whoami;
      try {
        signups = await probe(signupRequest('pg-down'));
        whoami = await probe(whoamiRequest(members[1]));
        await pause(2_000);
      } finally {
        await pg.resume();
      }
      figures.postgresRestartRecoveryMs = await until(signupSucceedsEverywhere);
      expectClearRefusal(signups);
      // Authentication is served from the gateways' memory.
      for (const answer of whoami) expect(answer.status).toBe(200);
    });
    await phase('PostgreSQL paused', async () => {
      await pg.pause();
      let signups, whoami;
      try {
        signups = await probe(signupRequest('pg-paused'));
        whoami = await probe(whoamiRequest(members[2]));
      } finally {
        await pg.unpause();
      }
      figures.postgresPauseRecoveryMs = await until(signupSucceedsEverywhere);
      expectClearRefusal(signups);
      for (const answer of whoami) expect(answer.status).toBe(200);
    });
  });

  it('refuses avatars within 5 s while S3 is stopped; everything else works; recovers by itself', async () => {
    const member = members[3];
    const upload = (base: string) => {
      const body = new FormData();
      body.append('avatar', new Blob([avatar], { type: 'image/png' }), 'me.png');
      return fetch(`${base}/api/users/${member.userId}/avatar/`, {
        method: 'POST',
        headers: { authorization: `Token ${member.token}` },
        body,
      });
    };
    await phase('S3 stopped', async () => {
      await stack.storage!.stop();
      let uploads, whoami;
      try {
        uploads = await probe(upload);
        whoami = await probe(whoamiRequest(member));
      } finally {
        await stack.storage!.resume();
      }
      figures.s3RecoveryMs = await until(async () => (await probe(upload)).every((a) => a.status === 200));
      expectClearRefusal(uploads);
      for (const answer of whoami) expect(answer.status).toBe(200);
    });
  });

  it('drains on SIGTERM: no request ends as a 5xx or a 504', async () => {
    const member = members[4];
    const cause = (error: unknown) =>
      String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    const whoamiAt = (base: string, delay: number) =>
      pause(delay).then(() => {
        const at = Date.now();
        return fetch(`${base}/api/current-user/whoami`, {
          headers: { authorization: `Token ${member.token}` },
        }).then(
          async (res) => ({ at, outcome: String((await res.arrayBuffer(), res.status)) }),
          (error: unknown) => ({ at, outcome: cause(error) }),
        );
      });
    const loginAt = (delay: number) =>
      pause(delay).then(async () => {
        const res = await new TestBrowser(stack.gatewayUrls[0]).login(member.email, PASSWORD);
        return String(res.status);
      });
    await phase('graceful drain', async () => {
      // The second gateway gets a stream of whoami and is told to stop in the middle of it.
      const whoami = Array.from({ length: 120 }, (_, i) => whoamiAt(stack.gatewayUrls[1], i * 4));
      // Logins go through the first gateway while the second identity is told to stop.
      const logins = Array.from({ length: 30 }, (_, i) => loginAt(i * 15));
      await pause(150);
      const sigtermAt = Date.now();
      await Promise.all([
        stack.stopReplica('gateway', 1, 'SIGTERM'),
        stack.stopReplica('identity', 1, 'SIGTERM'),
      ]);
      const whoamiResults = await Promise.all(whoami);
      const loginOutcomes = await Promise.all(logins);
      const before = whoamiResults.filter((r) => r.at < sigtermAt).map((r) => r.outcome);
      const after = whoamiResults.filter((r) => r.at >= sigtermAt).map((r) => r.outcome);
      figures.drain = {
        whoamiSentBeforeSigterm: countBy(before),
        whoamiSentAfterSigterm: countBy(after),
        logins: countBy(loginOutcomes),
      };
      // Never a 5xx or a 504: an answer, or a connection the stopping replica no longer takes
      // (refused, reset, or closed by it before an answer: undici's UND_ERR_SOCKET), which a load
      // balancer sends to the other replica. The figures tell how many sent before the signal
      // were answered.
      for (const outcome of [...before, ...after]) {
        expect(['200', 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']).toContain(outcome);
      }
      expect(before.filter((o) => o === '200').length).toBeGreaterThan(0);
      // A login the draining identity had taken is answered; one whose gateway stopped waiting
      // (the machine slowed by the restart) is a 503/504 for which nothing was done.
      for (const outcome of loginOutcomes) expect(['302', '503', '504']).toContain(outcome);
      expect(loginOutcomes.filter((o) => o === '302').length).toBeGreaterThan(0);
      await Promise.all([restart('gateway', 1), restart('identity', 1)]);
    });
  });

  it('keeps answering while one replica of some app is killed every few seconds', async () => {
    const apps: AppName[] = ['identity', 'invitations', 'profiles', 'gateway'];
    const killed: string[] = [];
    await phase('rolling kills', async () => {
      // Always the second replica: the first ones live on, for the memory comparison. One every
      // three seconds; each is restarted at once and the next kill does not wait for it.
      const back: Array<Promise<number>> = [];
      for (const app of apps) {
        await stack.stopReplica(app, 1, 'SIGKILL');
        killed.push(`${app}#1`);
        back.push(restart(app, 1));
        await pause(3_000);
      }
      await Promise.all(back);
    });
    (figures['rolling kills'] as Record<string, unknown>).killed = killed;
  });

  it('loses no acknowledged signup, duplicates nothing and leaves no account half-made', async () => {
    await phase('steady again', () => pause(4_000));
    figures.memoryAtEndMiB = memory();
    await load.stop();
    const samples = load.samples;
    figures.total = { requests: samples.length, outcomes: summarise(samples) };
    figures.slowestMs = Math.max(...samples.map((s) => s.ms));
    figures.acknowledgedSignups = load.acknowledged.size;
    figures.unclearSignups = load.unclear.size;

    // Never a 500, and every 429/503/504 in the envelope with a Retry-After.
    expect(samples.filter((s) => s.outcome === 'server-error')).toEqual([]);
    expect(samples.filter((s) => !s.wellFormed)).toEqual([]);

    // Every account settles complete: membership and profile (the events finish what crashes left).
    const complete = async () => {
      const accounts = await query<{ id: number; email: string }>(
        'identity',
        'SELECT id, email FROM account',
      );
      const memberships = await query<{ user_id: number; n: string }>(
        'invitations',
        'SELECT user_id, count(*) AS n FROM organization_member WHERE deleted_at IS NULL GROUP BY user_id',
      );
      const profiles = await query<{ user_id: number }>('profiles', 'SELECT user_id FROM profile');
      const member = new Map(memberships.map((m) => [m.user_id, Number(m.n)]));
      const profile = new Set(profiles.map((p) => p.user_id));
      const incomplete = accounts.filter((a) => member.get(a.id) !== 1 || !profile.has(a.id));
      return { accounts, incomplete };
    };
    figures.settleMs = await until(async () => (await complete()).incomplete.length === 0, 60_000).catch(
      () => -1,
    );
    const { accounts, incomplete } = await complete();
    expect(incomplete).toEqual([]);
    const emails = accounts.map((a) => a.email);
    expect(new Set(emails).size).toBe(emails.length);
    for (const email of load.acknowledged) expect([email, emails.includes(email)]).toEqual([email, true]);

    // Memory flat: no app process that lived through the outages grew by more than 64 MiB.
    const start = figures.memoryAtStartMiB as Record<string, number>;
    const end = figures.memoryAtEndMiB as Record<string, number>;
    for (const [name, mib] of Object.entries(end)) {
      if (start[name] !== undefined) expect([name, mib - start[name] < 64]).toEqual([name, true]);
    }
  });
});

/** The tests' PostgreSQL server, without a database. */
const postgresServer = () => {
  const url = new URL(testInfra.postgresUrl);
  url.pathname = '/';
  return url.toString().replace(/\/$/, '');
};

/** `npm run stack`'s supervision, on a stack of its own kind (the same runner). */
describe('the stack runner supervising its apps', () => {
  it('stops at start-up with the message of an app whose configuration is bad', async () => {
    const nats = await TestNatsServer.start();
    const lines: string[] = [];
    const stack = new Stack({
      root: ROOT,
      postgresUrl: postgresServer(),
      databasePrefix: `sup_${randomBytes(3).toString('hex')}`,
      nats,
      gatewayPort: await freePort(),
      healthPorts: [await freePort(), await freePort(), await freePort()],
      secretKey: randomBytes(48).toString('base64url'),
      env: { BCRYPT_COST: '99' },
      output: (app, line) => lines.push(`[${app}] ${line}`),
      supervise: true,
    });
    try {
      await expect(stack.start(['identity'])).rejects.toThrow(
        // The error itself says why: the app's last words on stderr.
        /identity#0: exited before it was ready.*exit code 1.*its last errors: .*BCRYPT_COST/,
      );
      expect(lines.join('\n')).toMatch(/\[identity\].*BCRYPT_COST/);
    } finally {
      await stack.stop();
      await nats.dispose();
    }
  });

  it('restarts an app that exits unexpectedly after it was ready, and says so', async () => {
    const nats = await TestNatsServer.start();
    const announced: string[] = [];
    const prefix = `sup_${randomBytes(3).toString('hex')}`;
    const stack = new Stack({
      root: ROOT,
      postgresUrl: postgresServer(),
      databasePrefix: prefix,
      nats,
      gatewayPort: await freePort(),
      healthPorts: [await freePort(), await freePort(), await freePort()],
      secretKey: randomBytes(48).toString('base64url'),
      env: { BCRYPT_COST: '4', LOG_LEVEL: 'warn' },
      output: () => undefined,
      announce: (line) => announced.push(line),
      supervise: true,
    });
    try {
      await stack.start(['invitations']);
      const first = stack.pidOf('invitations')!;
      process.kill(first, 'SIGKILL');
      const deadline = Date.now() + 30_000;
      while (!announced.some((l) => l.includes('restarted and ready')) && Date.now() < deadline)
        await pause(100);
      expect(announced[0]).toMatch(/invitations#0 exited unexpectedly \(signal SIGKILL\); restarting in 1 s/);
      expect(announced).toContain('invitations#0 restarted and ready');
      expect(stack.pidOf('invitations')).not.toBe(first);
      // A stop it was asked for is not restarted.
      await stack.stop();
      await pause(1_500);
      expect(stack.pidOf('invitations')).toBeUndefined();
    } finally {
      await stack.stop();
      await nats.dispose();
      const admin = new Client({ connectionString: testInfra.postgresUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${prefix}_invitations" WITH (FORCE)`);
      await admin.end();
    }
  });
});
