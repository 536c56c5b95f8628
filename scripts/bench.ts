/**
 * `npm run bench`: the project's benchmark, through the real gateways, bus and services (two
 * gateway replicas), each figure printed next to a ceiling measured in the same run — the machine
 * is shared and noisy, so only the ratios compare across runs:
 * - token-authenticated `GET /api/current-user/whoami` at 64 connections, against a bare Node.js
 *   HTTP server returning the same JSON;
 * - revocation across replicas: a token reset on one gateway, until the other refuses the old one;
 * - `GET /api/users/` and a People page at `BENCH_MEMBERS` members (default 10,000);
 * - a login storm at the configured bcrypt cost against the bcrypt ceiling (cores ÷ one hash),
 *   with whoami latency measured alongside;
 * - the gateways' memory, and what the read model costs per 100,000 users.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcrypt';
import { Client } from 'pg';
import { localSecretKey, Stack, stackDirectory } from './stack-runner';

// autocannon ships no types; this is the part of its result the bench reads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: object) => Promise<AutocannonResult>;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 64);
const MEMBERS = Number(env.BENCH_MEMBERS ?? 10_000);
const LOGINS = Number(env.BENCH_LOGINS ?? 200);
const BCRYPT_COST = Number(env.BENCH_BCRYPT_COST ?? 10);
const PASSWORD = 'bench password 1';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const BARE_SERVER = `
const body = process.env.BARE_BODY;
require('node:http')
  .createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  })
  .listen(Number(process.env.BARE_PORT), '127.0.0.1');
`;

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

function line(name: string, r: AutocannonResult, seconds = SECONDS): string {
  return `${name.padEnd(40)} ${rpsOf(r, seconds).toFixed(0).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(5)} ms   p99 ${String(r.latency.p99).padStart(5)} ms   non-2xx ${r.non2xx}  errors ${r.errors + r.timeouts}`;
}

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

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const prefix = `bench_${randomBytes(3).toString('hex')}`;
  const postgresUrl = env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const storageDir = mkdtempSync(join(tmpdir(), 'ls-bench-s3-'));
  const gatewayPort = await freePort();
  const stack = new Stack({
    root,
    postgresUrl,
    databasePrefix: prefix,
    // A NATS server of its own, with the system's credentials and permissions.
    nats: { directory: join(storageDir, 'nats') },
    gatewayPort,
    gatewayReplicas: 2,
    healthPorts: [await freePort(), await freePort(), await freePort()],
    secretKey: localSecretKey(stackDirectory(root, env), env.SECRET_KEY),
    // Object storage of its own unless MINIO_ENDPOINT names one.
    localStorage: { directory: storageDir, port: 0 },
    env: { LOG_LEVEL: env.LOG_LEVEL ?? 'warn', BCRYPT_COST: String(BCRYPT_COST), BUS_TIMEOUT_MS: '30000' },
    output: (app, text) => {
      if (/"level":(50|60)/.test(text)) process.stderr.write(`[${app}] ${text}\n`);
    },
  });
  let bare: ChildProcess | undefined;
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
    const idle = apps.map(([app, replica]) => rssMb(stack.pidOf(app, replica)));
    const owner = await signUp(a, 'bench@example.com');
    const headers = { authorization: `Token ${owner.token}` };
    const whoami = await (await fetch(`${a}/api/current-user/whoami`, { headers })).text();

    // The baseline: a bare Node.js server returning the same body, in a process of its own like
    // the gateway (the load generator runs in this one).
    const barePort = await freePort();
    bare = spawn(process.execPath, ['-e', BARE_SERVER], {
      env: { ...env, BARE_PORT: String(barePort), BARE_BODY: whoami },
      stdio: 'ignore',
    });
    const bareUrl = `http://127.0.0.1:${barePort}/`;
    await waitForHttp(bareUrl);

    out(`\n1. whoami with a token, ${SECONDS} s at ${CONNECTIONS} connections, after a warm-up`);
    await load(`${a}/api/current-user/whoami`, headers, 2);
    const ours = await load(`${a}/api/current-user/whoami`, headers, SECONDS);
    const baseline = await load(bareUrl, {}, SECONDS);
    out(line('bare node:http (same JSON)', baseline));
    out(line('GET /api/current-user/whoami', ours));
    out(`   throughput ratio (whoami / bare): ${(rpsOf(ours) / rpsOf(baseline)).toFixed(3)}`);
    if (ours.non2xx > 0) process.exitCode = 1;

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

    out(`\n3. Lists at ${MEMBERS} members`);
    const gatewayRssBefore = rssMb(stack.pidOf('gateway', 0));
    const made = performance.now();
    await inParallel(MEMBERS - 1, 16, async (i) => {
      const res = await fetch(`${a}/api/users/`, {
        method: 'POST',
        headers: { ...tokenHeaders, 'content-type': 'application/json' },
        body: JSON.stringify({ email: `member${i}@example.com`, username: `member${i}` }),
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`adding member ${i}: ${res.status}`);
    });
    out(
      `   ${MEMBERS - 1} members added through POST /api/users/ in ${((performance.now() - made) / 1000).toFixed(1)} s`,
    );
    // Until both replicas list everyone.
    for (const base of [a, b]) {
      for (;;) {
        const users = (await (
          await fetch(`${base}/api/users/`, { headers: tokenHeaders })
        ).json()) as unknown[];
        if (users.length >= MEMBERS) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const single = performance.now();
    await (await fetch(`${a}/api/users/`, { headers: tokenHeaders })).arrayBuffer();
    out(`   one GET /api/users/ (${MEMBERS} users): ${(performance.now() - single).toFixed(0)} ms`);
    const users = await load(`${a}/api/users/`, tokenHeaders, SECONDS, 16);
    out(line(`GET /api/users/ (16 connections)`, users));
    const organization = (
      (await (await fetch(`${a}/api/current-user/whoami`, { headers: tokenHeaders })).json()) as {
        active_organization: number;
      }
    ).active_organization;
    const people = await load(
      `${a}/api/organizations/${organization}/memberships?page=1&page_size=30`,
      tokenHeaders,
      SECONDS,
      16,
    );
    out(line(`People page of 30 (16 connections)`, people));
    const gatewayRssAfter = rssMb(stack.pidOf('gateway', 0));
    out(
      `   gateway RSS ${gatewayRssBefore.toFixed(0)} MB with 1 user, ${gatewayRssAfter.toFixed(0)} MB with ${MEMBERS}: about ${(((gatewayRssAfter - gatewayRssBefore) / MEMBERS) * 100_000).toFixed(0)} MB per 100,000 users`,
    );

    out(`\n4. Login storm: ${LOGINS} people log in at once (bcrypt cost ${BCRYPT_COST}), whoami alongside`);
    // Distinct people (one account's attempts are throttled), signed up beforehand.
    await inParallel(LOGINS, 8, async (i) => {
      await signUp(b, `storm${i}@example.com`);
    });
    const hash = await bcrypt.hash(PASSWORD, BCRYPT_COST);
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await bcrypt.compare(PASSWORD, hash);
    const oneHashMs = (performance.now() - t0) / 5;
    const cores = availableParallelism();
    const storm = await fetch(`${a}/user/login/`);
    const csrf = /csrftoken=([^;]+)/.exec(storm.headers.get('set-cookie') ?? '')?.[1] ?? '';
    await storm.arrayBuffer();
    const during = load(`${b}/api/current-user/whoami`, tokenHeaders, 5, 8);
    const stormStarted = performance.now();
    const outcomes = new Map<number, number>();
    await Promise.all(
      Array.from({ length: LOGINS }, async (_, i) => {
        const res = await fetch(`${a}/user/login/`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrftoken=${csrf}` },
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
    const ceiling = (cores * 1000) / oneHashMs;
    out(
      `   bcrypt ceiling: ${cores} cores / ${oneHashMs.toFixed(1)} ms per hash = ${ceiling.toFixed(1)} hashes/s (measured now)`,
    );
    out(
      `   ${LOGINS} logins in ${stormSeconds.toFixed(1)} s = ${(LOGINS / stormSeconds).toFixed(1)}/s, ${((LOGINS / stormSeconds / ceiling) * 100).toFixed(0)} % of the ceiling; answers ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );
    out(line('   whoami during the storm (8 connections)', alongside, 5));

    out('\n5. Memory (RSS when idle after start, and now)');
    apps.forEach(([app, replica], i) => {
      const name = `${app}${app === 'gateway' ? ` #${replica}` : ''}`;
      out(
        `   ${name.padEnd(14)} ${idle[i].toFixed(0).padStart(4)} MB idle   ${rssMb(stack.pidOf(app, replica)).toFixed(0).padStart(4)} MB now`,
      );
    });
    out();
  } finally {
    bare?.kill();
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
