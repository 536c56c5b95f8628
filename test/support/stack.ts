import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { AppName, Stack } from '../../scripts/stack-runner';
import { testInfra } from './infra';
import { freePort, TestNatsServer } from './nats-server';
import { startTestStorage, TestObjectStorage } from './object-storage';

export interface TestStack {
  stack: Stack;
  nats: TestNatsServer;
  /** The S3 server profiles uses (stoppable for fault tests). */
  storage: TestObjectStorage;
  baseUrl: string;
  /** Every gateway replica's URL (the first is `baseUrl`). */
  baseUrls: string[];
  databasePrefix: string;
  /** Output lines of the apps, for assertions about logs (e.g. that no secret is printed). */
  logs: Array<{ app: AppName; line: string }>;
  query<T = Record<string, unknown>>(app: AppName, sql: string, params?: unknown[]): Promise<T[]>;
  dispose(): Promise<void>;
}

const ROOT = resolve(__dirname, '..', '..');

/**
 * The whole system as processes (the built apps in dist/), on free ports, against a NATS server and
 * an S3 server of the test's own and fresh databases: what `npm run stack` runs, isolated per suite
 * (local processes, or containers: test/support/containers.ts).
 */
export async function startTestStack(
  env: Record<string, string> = {},
  options: { gatewayReplicas?: number } = {},
): Promise<TestStack> {
  if (!existsSync(resolve(ROOT, 'dist/apps/gateway/src/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  }
  const [nats, storage] = await Promise.all([TestNatsServer.start(), startTestStorage()]);
  const databasePrefix = `e2e_${randomBytes(3).toString('hex')}`;
  const postgres = new URL(testInfra.postgresUrl);
  postgres.pathname = '/';
  const logs: TestStack['logs'] = [];
  const stack = new Stack({
    root: ROOT,
    postgresUrl: postgres.toString(),
    databasePrefix,
    nats,
    gatewayPort: await freeRange(options.gatewayReplicas ?? 1),
    gatewayReplicas: options.gatewayReplicas ?? 1,
    healthPorts: [await freePort(), await freePort(), await freePort()],
    gatewayHealthPorts: await Promise.all(
      Array.from({ length: options.gatewayReplicas ?? 1 }, () => freePort()),
    ),
    secretKey: randomBytes(48).toString('base64url'),
    appEnv: { profiles: storage.env() },
    env: {
      BCRYPT_COST: '4',
      LOG_LEVEL: 'info',
      BUS_TIMEOUT_MS: '3000',
      STORAGE_TIMEOUT_MS: '2000',
      ACTIVITY_FLUSH_MS: '200',
      ...env,
    },
    output: (app, line) => {
      logs.push({ app, line });
      if (process.env.E2E_VERBOSE) process.stdout.write(`[${app}] ${line}\n`);
    },
  });
  try {
    await stack.start();
  } catch (error) {
    await stack.stop();
    await nats.dispose();
    await storage.dispose();
    const tail = logs
      .slice(-30)
      .map((l) => `[${l.app}] ${l.line}`)
      .join('\n');
    throw new Error(`${String(error)}\n${tail}`, { cause: error });
  }
  const dbUrl = (app: AppName) => {
    const url = new URL(testInfra.postgresUrl);
    url.pathname = `/${databasePrefix}_${app}`;
    return url.toString();
  };
  return {
    stack,
    nats,
    storage,
    baseUrl: stack.gatewayUrl,
    baseUrls: stack.gatewayUrls,
    databasePrefix,
    logs,
    async query<T>(app: AppName, sql: string, params: unknown[] = []) {
      const client = new Client({ connectionString: dbUrl(app) });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    async dispose() {
      await stack.stop();
      await nats.dispose();
      await storage.dispose();
      const admin = new Client({ connectionString: testInfra.postgresUrl });
      await admin.connect();
      for (const app of ['identity', 'invitations', 'profiles']) {
        await admin.query(`DROP DATABASE IF EXISTS "${databasePrefix}_${app}" WITH (FORCE)`);
      }
      await admin.end();
    },
  };
}

/** The first of `count` consecutive free ports. */
export async function freeRange(count: number): Promise<number> {
  for (;;) {
    const first = await freePort();
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => portIsFree(first + i + 1)));
    if (rest.every(Boolean)) return first;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

/** Polls until `check` returns a value (eventual consistency across services), or fails. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
