/**
 * `npm run bench`: the project's benchmark, through the real gateways, bus and services (two
 * gateway replicas), each figure printed next to a ceiling measured in the same run — the machine
 * is shared and noisy, so only the ratios compare across runs:
 * - token-authenticated `GET /api/current-user/whoami` at 64 connections, against a bare Node.js
 *   HTTP server returning the same JSON (throughput, and the server's CPU time per request), and
 *   the same with the session cookie, through the Nest route and its passport guard (with
 *   `BENCH_QUICK=1`, only these);
 * - revocation across replicas: a token reset on one gateway, until the other refuses the old one;
 * - `GET /api/users/` at `BENCH_MEMBERS` members (default 10,000) and a People page at
 *   `BENCH_PEOPLE` members (default 100,000), each against a bare server returning the same body;
 * - a login storm at the configured bcrypt cost against the bcrypt ceiling (cores ÷ one hash,
 *   also measured under the same whoami load), with whoami latency measured alongside;
 * - every app's memory, and what the gateway's read model costs per 100,000 users.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcrypt';
import { Client } from 'pg';
import { localSecretKey, Stack, stackDirectory } from './stack-runner';

// autocannon ships no types; this is the part of its result the bench reads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: object) => Promise<AutocannonResult>;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 64);
const MEMBERS = Number(env.BENCH_MEMBERS ?? 10_000);
const PEOPLE = Math.max(MEMBERS, Number(env.BENCH_PEOPLE ?? 100_000));
const LOGINS = Number(env.BENCH_LOGINS ?? 200);
const BCRYPT_COST = Number(env.BENCH_BCRYPT_COST ?? 10);
/** Only the whoami figures (a minute instead of ten): `BENCH_QUICK=1 npm run bench`. */
const QUICK = env.BENCH_QUICK === '1';
const PASSWORD = 'bench password 1';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const BARE_SERVER = `
const body = require('node:fs').readFileSync(process.env.BARE_BODY_FILE);
require('node:http')
  .createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  })
  .listen(Number(process.env.BARE_PORT), '127.0.0.1');
`;

/**
 * The ceiling of an answer: a bare Node.js server returning the same body, in a process of its own
 * like the gateway (the load generator runs in this one).
 */
async function bareServer(body: string): Promise<{ url: string; pid: number; stop: () => void }> {
  const port = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), 'ls-bench-body-')), 'body.json');
  writeFileSync(file, body);
  const child = spawn(process.execPath, ['-e', BARE_SERVER], {
    env: { ...env, BARE_PORT: String(port), BARE_BODY_FILE: file },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/`;
  await waitForHttp(url);
  const stop = () => {
    child.kill();
    rmSync(dirname(file), { recursive: true, force: true });
  };
  return { url, pid: child.pid!, stop };
}

/** CPU time (user + system) a process has used, in ms (Linux, 100 ticks a second). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A load, and the CPU time the serving process spent per request meanwhile (µs). */
async function measured(
  pid: number | undefined,
  run: () => Promise<AutocannonResult>,
): Promise<AutocannonResult & { cpuPerRequestUs: number }> {
  const before = cpuMs(pid);
  const result = await run();
  return { ...result, cpuPerRequestUs: ((cpuMs(pid) - before) * 1000) / result.requests.total };
}

/** One request at a time: the latency of each, in ms. */
async function oneAtATime(urls: () => string, headers: Record<string, string>, count: number) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await fetch(urls(), { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${res.status} from ${res.url}`);
    times.push(performance.now() - started);
  }
  return times;
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`baseline server did not start (${url})`);
}

function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections = CONNECTIONS,
): Promise<AutocannonResult> {
  return autocannon({ url, headers, connections, duration: seconds, pipelining: 1 });
}

const rpsOf = (r: AutocannonResult, seconds = SECONDS) => r.requests.total / seconds;

function line(name: string, r: AutocannonResult & { cpuPerRequestUs?: number }, seconds = SECONDS): string {
  const cpu = r.cpuPerRequestUs === undefined ? '' : `   server CPU ${r.cpuPerRequestUs.toFixed(0)} µs/req`;
  return `${name.padEnd(40)} ${rpsOf(r, seconds).toFixed(0).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(5)} ms   p97.5 ${String(r.latency.p97_5).padStart(5)} ms   p99 ${String(r.latency.p99).padStart(5)} ms   non-2xx ${r.non2xx}  errors ${r.errors + r.timeouts}${cpu}`;
}

const ratio = (name: string, ours: AutocannonResult, ceiling: AutocannonResult, seconds = SECONDS) =>
  `   ${name}: throughput ${(rpsOf(ours, seconds) / rpsOf(ceiling, seconds)).toFixed(3)} of the bare server's`;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/** A person signing up through the web form, as the bench's first user. */
async function signUp(
  base: string,
  email: string,
): Promise<{ session: string; csrf: string; token: string }> {
  const page = await fetch(`${base}/user/signup/`);
  const csrf = /csrftoken=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const signup = await fetch(`${base}/user/signup/`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrftoken=${csrf}` },
    body: new URLSearchParams({ email, password: PASSWORD, csrfmiddlewaretoken: csrf }),
  });
  const session = /sessionid=([^;]+)/.exec(signup.headers.get('set-cookie') ?? '')?.[1];
  if (signup.status !== 302 || !session) throw new Error(`signup failed: ${signup.status}`);
  const { token } = (await (
    await fetch(`${base}/api/current-user/token`, { headers: { cookie: `sessionid=${session}` } })
  ).json()) as { token: string };
  return { session, csrf, token };
}

/** Resident memory of a process, in MB (Linux). */
function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** Runs `count` tasks with at most `parallel` at a time. */
async function inParallel(
  count: number,
  parallel: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Accounts, memberships and profiles for users `from` … `to` - 1, straight into the services' tables. */
async function seedMembers(
  postgresUrl: string,
  prefix: string,
  organizationId: number,
  from: number,
  to: number,
): Promise<void> {
  const db = async (app: string, work: (client: Client) => Promise<void>) => {
    const client = new Client({ connectionString: `${postgresUrl}/${prefix}_${app}` });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
  };
  // With the read-model change each service records for every change, which its outbox relay
  // then publishes (signed) into its bucket, as it does for any change.
  const outbox = (bucket: string) =>
    `INSERT INTO outbox (subject, payload) SELECT '$KV.${bucket}.' || id, '{}'::jsonb FROM unnest($1::int[]) id`;
  let userIds: number[] = [];
  await db('identity', async (client) => {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO account (email, username)
       SELECT 'member' || n || '@example.com', 'member' || n FROM generate_series($1::int, $2::int) n RETURNING id`,
      [from, to - 1],
    );
    userIds = rows.map((row) => row.id);
    await client.query(outbox('auth-users'), [userIds]);
  });
  await db('invitations', async (client) => {
    await client.query(
      'INSERT INTO organization_member (user_id, organization_id) SELECT id, $2 FROM unnest($1::int[]) id',
      [userIds, organizationId],
    );
    await client.query(outbox('user-memberships'), [userIds]);
  });
  await db('profiles', async (client) => {
    await client.query('INSERT INTO profile (user_id) SELECT id FROM unnest($1::int[]) id', [userIds]);
    await client.query(outbox('profiles'), [userIds]);
  });
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const prefix = `bench_${randomBytes(3).toString('hex')}`;
  const postgresUrl = env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const storageDir = mkdtempSync(join(tmpdir(), 'ls-bench-s3-'));
  // PORT and the services' health ports, when given, as for `npm run stack`; else free ports.
  const gatewayPort = env.PORT ? Number(env.PORT) : await freePort();
  const port = async (name: string) => (env[name] ? Number(env[name]) : await freePort());
  const stack = new Stack({
    root,
    postgresUrl,
    databasePrefix: prefix,
    // A NATS server of its own, with the system's credentials and permissions.
    nats: { directory: join(storageDir, 'nats') },
    gatewayPort,
    gatewayReplicas: 2,
    healthPorts: [
      await port('IDENTITY_HEALTH_PORT'),
      await port('INVITATIONS_HEALTH_PORT'),
      await port('PROFILES_HEALTH_PORT'),
    ],
    secretKey: localSecretKey(stackDirectory(root, env), env.SECRET_KEY),
    // Object storage of its own unless MINIO_ENDPOINT names one.
    localStorage: { directory: storageDir, port: 0 },
    env: {
      LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
      BCRYPT_COST: String(BCRYPT_COST),
      BUS_TIMEOUT_MS: '30000',
      // The login storm comes from many client addresses, as through a proxy (X-Forwarded-For).
      TRUST_PROXY_HOPS: '1',
    },
    output: (app, text) => {
      if (/"level":(50|60)/.test(text)) process.stderr.write(`[${app}] ${text}\n`);
    },
  });
  const bare: Array<{ stop: () => void }> = [];
  const out = (text = '') => process.stdout.write(`${text}\n`);
  try {
    out(`Starting the stack (two gateway replicas, bcrypt cost ${BCRYPT_COST})…`);
    await stack.start();
    const [a, b] = stack.gatewayUrls;
    const apps = [
      ['gateway', 0],
      ['gateway', 1],
      ['identity', 0],
      ['invitations', 0],
      ['profiles', 0],
    ] as const;
    // Idle: started, caught up, and left alone for a moment.
    await new Promise((r) => setTimeout(r, 5_000));
    const idle = apps.map(([app, replica]) => rssMb(stack.pidOf(app, replica)));
    const owner = await signUp(a, 'bench@example.com');
    const headers = { authorization: `Token ${owner.token}` };
    const whoami = await (await fetch(`${a}/api/current-user/whoami`, { headers })).text();
    const gatewayPid = stack.pidOf('gateway', 0);

    out(`\n1. whoami with a token, ${SECONDS} s at ${CONNECTIONS} connections, after a warm-up`);
    const bareWhoami = await bareServer(whoami);
    bare.push(bareWhoami);
    await load(`${a}/api/current-user/whoami`, headers, 2);
    await load(bareWhoami.url, {}, 2);
    const ours = await measured(gatewayPid, () => load(`${a}/api/current-user/whoami`, headers, SECONDS));
    const baseline = await measured(bareWhoami.pid, () => load(bareWhoami.url, {}, SECONDS));
    out(line('bare node:http (same JSON)', baseline));
    out(line('GET /api/current-user/whoami', ours));
    out(ratio('whoami', ours, baseline));
    out(
      `   CPU per request: the bare server's ${(baseline.cpuPerRequestUs / ours.cpuPerRequestUs).toFixed(3)} of the gateway's (less dependent on the load generator, though not on the machine's load)`,
    );
    if (ours.non2xx > 0) process.exitCode = 1;
    // The same answer through Express, Nest's router and ApiAuthGuard's passport strategies: what
    // every other API call pays before its own work.
    const cookie = { cookie: `sessionid=${owner.session}` };
    await load(`${a}/api/current-user/whoami`, cookie, 2);
    const routed = await measured(gatewayPid, () => load(`${a}/api/current-user/whoami`, cookie, SECONDS));
    out(line('whoami, session cookie (the route)', routed));
    out(ratio('whoami through the route and its guard', routed, baseline));
    if (routed.non2xx > 0) process.exitCode = 1;
    if (QUICK) return;

    out('\n2. Revocation across replicas: reset the token on one gateway, poll the other with the old one');
    const lags: number[] = [];
    let token = owner.token;
    for (let i = 0; i < 50; i++) {
      const reset = await fetch(`${a}/api/current-user/reset-token/`, {
        method: 'POST',
        headers: {
          cookie: `sessionid=${owner.session}; csrftoken=${owner.csrf}`,
          'x-csrftoken': owner.csrf,
          origin: a,
        },
      });
      const started = performance.now();
      if (reset.status !== 201) throw new Error(`reset failed: ${reset.status}`);
      const old = token;
      token = ((await reset.json()) as { token: string }).token;
      if (
        (await fetch(`${a}/api/current-user/whoami`, { headers: { authorization: `Token ${old}` } }))
          .status !== 401
      )
        throw new Error('the replica that reset the token still accepts the old one');
      for (;;) {
        const res = await fetch(`${b}/api/current-user/whoami`, {
          headers: { authorization: `Token ${old}` },
        });
        await res.arrayBuffer();
        if (res.status === 401) break;
        if (performance.now() - started > 10_000) throw new Error('the other replica never refused it');
      }
      lags.push(performance.now() - started);
    }
    out(
      `   old token refused by the other replica after p50 ${percentile(lags, 50).toFixed(1)} ms, p99 ${percentile(lags, 99).toFixed(1)} ms, max ${Math.max(...lags).toFixed(1)} ms (50 resets; the replica that reset it: at once)`,
    );
    const tokenHeaders = { authorization: `Token ${token}` };
    const organization = (
      (await (await fetch(`${a}/api/current-user/whoami`, { headers: tokenHeaders })).json()) as {
        active_organization: number;
      }
    ).active_organization;
    const people = (page: number, size = 30) =>
      `/api/organizations/${organization}/memberships?page=${page}&page_size=${size}`;

    /** Seeds members up to `total`, then waits until both replicas list them all. */
    const grow = async (from: number, total: number) => {
      const started = performance.now();
      await seedMembers(postgresUrl, prefix, organization, from, total);
      const seeded = performance.now();
      const caughtUp: string[] = [];
      for (const base of [a, b]) {
        for (;;) {
          const res = await fetch(`${base}${people(1, 1)}`, { headers: tokenHeaders });
          // While the owners' updates arrive in any order the page may be asked of the owners.
          const count = res.ok
            ? ((await res.json()) as { count: number }).count
            : (await res.arrayBuffer(), 0);
          if (count >= total) break;
          if (performance.now() - started > 30 * 60_000) throw new Error(`${base} never listed ${total}`);
          await new Promise((r) => setTimeout(r, 500));
        }
        caughtUp.push(((performance.now() - seeded) / 1000).toFixed(1));
      }
      out(
        `   ${total - from} members added (SQL and outbox rows: ${((seeded - started) / 1000).toFixed(1)} s), listed by the replicas after ${caughtUp.join(' and ')} s`,
      );
    };

    out(`\n3. GET /api/users/ at ${MEMBERS} members`);
    const gatewayRss = [rssMb(gatewayPid), rssMb(stack.pidOf('gateway', 1))];
    await grow(1, MEMBERS);
    const single = performance.now();
    const list = await (await fetch(`${a}/api/users/`, { headers: tokenHeaders })).text();
    out(
      `   one GET /api/users/ (${MEMBERS} users, ${(list.length / 1e6).toFixed(1)} MB): ${(performance.now() - single).toFixed(0)} ms`,
    );
    const bareList = await bareServer(list);
    bare.push(bareList);
    const users = await measured(gatewayPid, () => load(`${a}/api/users/`, tokenHeaders, SECONDS, 16));
    const usersCeiling = await measured(bareList.pid, () => load(bareList.url, {}, SECONDS, 16));
    bareList.stop();
    out(line('bare node:http (same body, 16 conns)', usersCeiling));
    out(line('GET /api/users/ (16 connections)', users));
    out(ratio('users list', users, usersCeiling));
    const gatewayRssAtMembers = [rssMb(gatewayPid), rssMb(stack.pidOf('gateway', 1))];

    out(`\n4. Login storm: ${LOGINS} people log in at once (bcrypt cost ${BCRYPT_COST}), whoami alongside`);
    // Distinct people (one account's attempts are throttled), signed up beforehand.
    await inParallel(LOGINS, 8, async (i) => {
      await signUp(b, `storm${i}@example.com`);
    });
    const hash = await bcrypt.hash(PASSWORD, BCRYPT_COST);
    const cores = availableParallelism();
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await bcrypt.compare(PASSWORD, hash);
    const oneHashMs = (performance.now() - t0) / 5;
    const ceiling = (cores * 1000) / oneHashMs;
    const stormSecondsExpected = Math.max(3, Math.ceil(LOGINS / ceiling) + 1);
    // The ceiling under the same load: as many hashes as there are cores at a time, whoami alongside.
    const ceilingLoad = load(`${b}/api/current-user/whoami`, tokenHeaders, stormSecondsExpected, 8);
    const hashes = Math.max(cores, Math.round(ceiling * (stormSecondsExpected - 1)));
    const t1 = performance.now();
    await inParallel(hashes, cores, async () => {
      await bcrypt.compare(PASSWORD, hash);
    });
    const loadedCeiling = (hashes * 1000) / (performance.now() - t1);
    await ceilingLoad;
    const storm = await fetch(`${a}/user/login/`);
    const csrf = /csrftoken=([^;]+)/.exec(storm.headers.get('set-cookie') ?? '')?.[1] ?? '';
    await storm.arrayBuffer();
    const during = load(`${b}/api/current-user/whoami`, tokenHeaders, stormSecondsExpected, 8);
    const stormStarted = performance.now();
    const outcomes = new Map<number, number>();
    await Promise.all(
      Array.from({ length: LOGINS }, async (_, i) => {
        const res = await fetch(`${a}/user/login/`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: `csrftoken=${csrf}`,
            // A class: each person from a computer of their own.
            'x-forwarded-for': `10.77.${i >> 8}.${i & 255}`,
          },
          body: new URLSearchParams({
            email: `storm${i}@example.com`,
            password: PASSWORD,
            csrfmiddlewaretoken: csrf,
          }),
        });
        await res.arrayBuffer();
        outcomes.set(res.status, (outcomes.get(res.status) ?? 0) + 1);
      }),
    );
    const stormSeconds = (performance.now() - stormStarted) / 1000;
    const alongside = await during;
    const rate = LOGINS / stormSeconds;
    out(
      `   bcrypt ceiling: ${cores} cores / ${oneHashMs.toFixed(1)} ms per hash = ${ceiling.toFixed(1)} hashes/s; under the same whoami load ${loadedCeiling.toFixed(1)} hashes/s (measured now)`,
    );
    out(
      `   ${LOGINS} logins from ${LOGINS} client addresses in ${stormSeconds.toFixed(1)} s = ${rate.toFixed(1)}/s: ${((rate / ceiling) * 100).toFixed(0)} % of the ceiling, ${((rate / loadedCeiling) * 100).toFixed(0)} % of the ceiling under load; answers ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );
    out(line('   whoami during the storm (8 connections)', alongside, stormSecondsExpected));

    out('\n5. Memory (RSS when idle after start, and now)');
    apps.forEach(([app, replica], i) => {
      const name = `${app}${app === 'gateway' ? ` #${replica}` : ''}`;
      out(
        `   ${name.padEnd(14)} ${idle[i].toFixed(0).padStart(4)} MB idle   ${rssMb(stack.pidOf(app, replica)).toFixed(0).padStart(4)} MB now`,
      );
    });
    // Last: growing to this size takes the owners' relays the longest.
    out(`\n6. The People page (30 a page) at ${PEOPLE} members`);
    await grow(MEMBERS, PEOPLE);
    const pages = Math.ceil(PEOPLE / 30);
    const middle = people(Math.ceil(pages / 2));
    const page = await (await fetch(`${a}${middle}`, { headers: tokenHeaders })).text();
    const barePage = await bareServer(page);
    bare.push(barePage);
    // Any page, one at a time: the latency a person paging through it sees.
    let next = 0;
    const probe = await oneAtATime(() => `${a}${people(1 + ((next++ * 7919) % pages))}`, tokenHeaders, 500);
    out(
      `   one page at a time, 500 pages anywhere in the list: p50 ${percentile(probe, 50).toFixed(1)} ms, p95 ${percentile(probe, 95).toFixed(1)} ms, p99 ${percentile(probe, 99).toFixed(1)} ms`,
    );
    const pageLoad = await measured(gatewayPid, () => load(`${a}${middle}`, tokenHeaders, SECONDS, 16));
    const pageCeiling = await measured(barePage.pid, () => load(barePage.url, {}, SECONDS, 16));
    barePage.stop();
    out(line('bare node:http (same page, 16 conns)', pageCeiling));
    out(line(`People page ${Math.ceil(pages / 2)} (16 connections)`, pageLoad));
    out(ratio('People page', pageLoad, pageCeiling));
    const gatewayRssAtPeople = [rssMb(gatewayPid), rssMb(stack.pidOf('gateway', 1))];
    for (const replica of [0, 1]) {
      const perUser = (gatewayRssAtPeople[replica] - gatewayRss[replica]) / PEOPLE;
      out(
        `   gateway #${replica} RSS ${gatewayRss[replica].toFixed(0)} MB with 1 user, ${gatewayRssAtMembers[replica].toFixed(0)} MB with ${MEMBERS}, ${gatewayRssAtPeople[replica].toFixed(0)} MB with ${PEOPLE}: about ${(perUser * 100_000).toFixed(0)} MB per 100,000 users`,
      );
    }

    out();
  } finally {
    for (const server of bare) server.stop();
    await stack.stop();
    rmSync(storageDir, { recursive: true, force: true });
    const admin = new Client({ connectionString: `${postgresUrl}/postgres` });
    await admin.connect();
    for (const app of ['identity', 'invitations', 'profiles']) {
      await admin.query(`DROP DATABASE IF EXISTS "${prefix}_${app}" WITH (FORCE)`);
    }
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
