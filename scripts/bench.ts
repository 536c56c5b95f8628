/**
 * `npm run bench`: requests per second and p50/p99 latency of `GET /api/current-user/whoami`
 * with `Authorization: Token`, at 64 connections, through the real gateway, bus and services —
 * next to a bare Node.js HTTP server returning the same JSON, measured in the same run.
 * Figures are only comparable as the ratio: the machine is shared and noisy.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
// autocannon ships no types; this is the part of its result the bench reads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: object) => Promise<AutocannonResult>;
import { localSecretKey, Stack, stackDirectory } from './stack-runner';

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

async function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<AutocannonResult> {
  return autocannon({ url, headers, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
}

function line(name: string, r: AutocannonResult): string {
  const rps = r.requests.total / SECONDS;
  return `${name.padEnd(34)} ${rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   non-2xx ${r.non2xx}  errors ${r.errors + r.timeouts}`;
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const prefix = `bench_${randomBytes(3).toString('hex')}`;
  const postgresUrl = env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const storageDir = mkdtempSync(join(tmpdir(), 'ls-bench-s3-'));
  const stack = new Stack({
    root,
    postgresUrl,
    databasePrefix: prefix,
    // A NATS server of its own, with the system's credentials and permissions.
    nats: { directory: join(storageDir, 'nats') },
    gatewayPort: await freePort(),
    healthPorts: [await freePort(), await freePort(), await freePort()],
    secretKey: localSecretKey(stackDirectory(root, env), env.SECRET_KEY),
    // Object storage of its own unless MINIO_ENDPOINT names one.
    localStorage: { directory: storageDir, port: 0 },
    env: { LOG_LEVEL: env.LOG_LEVEL ?? 'warn', BCRYPT_COST: '10' },
    output: (app, text) => {
      if (/"level":(50|60)/.test(text)) process.stderr.write(`[${app}] ${text}\n`);
    },
  });
  let bare: ChildProcess | undefined;
  try {
    process.stdout.write('Starting the stack…\n');
    await stack.start();
    const base = stack.gatewayUrl;

    // A user, signed up the way a person does, and their token.
    const page = await fetch(`${base}/user/signup/`);
    const csrf = /csrftoken=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const signup = await fetch(`${base}/user/signup/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrftoken=${csrf}` },
      body: new URLSearchParams({
        email: 'bench@example.com',
        password: 'bench password 1',
        csrfmiddlewaretoken: csrf,
      }),
    });
    const session = /sessionid=([^;]+)/.exec(signup.headers.get('set-cookie') ?? '')?.[1];
    if (signup.status !== 302 || !session) throw new Error(`signup failed: ${signup.status}`);
    const { token } = (await (
      await fetch(`${base}/api/current-user/token`, { headers: { cookie: `sessionid=${session}` } })
    ).json()) as { token: string };
    const headers = { authorization: `Token ${token}` };
    const whoami = await (await fetch(`${base}/api/current-user/whoami`, { headers })).text();

    // The baseline: a bare Node.js server returning the same body, in a process of its own like
    // the gateway (the load generator runs in this one).
    const barePort = await freePort();
    bare = spawn(process.execPath, ['-e', BARE_SERVER], {
      env: { ...env, BARE_PORT: String(barePort), BARE_BODY: whoami },
      stdio: 'ignore',
    });
    await waitForHttp(`http://127.0.0.1:${barePort}/`);
    const bareUrl = `http://127.0.0.1:${barePort}/`;

    process.stdout.write(`Warming up, then ${SECONDS} s each at ${CONNECTIONS} connections…\n`);
    await load(`${base}/api/current-user/whoami`, headers, 2);
    const ours = await load(`${base}/api/current-user/whoami`, headers, SECONDS);
    const baseline = await load(bareUrl, {}, SECONDS);

    const oursRps = ours.requests.total / SECONDS;
    const bareRps = baseline.requests.total / SECONDS;
    process.stdout.write(
      [
        '',
        line('bare node:http (same JSON)', baseline),
        line('GET /api/current-user/whoami', ours),
        '',
        `throughput ratio (whoami / bare): ${(oursRps / bareRps).toFixed(3)}`,
        `p50 latency ratio (whoami / bare): ${(ours.latency.p50 / Math.max(baseline.latency.p50, 1)).toFixed(1)}`,
        '',
      ].join('\n'),
    );
    if (ours.non2xx > 0) process.exitCode = 1;
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
