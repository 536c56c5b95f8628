import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { BUS_CONTRACTS, BusApp, BusContracts, NatsPermissions } from '@app/contracts';
import { AppCredential, ensureCredentials, publicKeysFileOf, serverConfig, usersOf } from './nats-auth';

/** The machine's nats-server (Debian installs it in /usr/sbin, which a user's PATH may lack). */
export const natsServerBinary = (env: Record<string, string | undefined> = process.env): string =>
  env.NATS_SERVER_BIN ?? 'nats-server';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000, exited?: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (exited?.()) throw new Error(`nats-server exited before port ${port} opened`);
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface LocalNatsOptions {
  /** Holds the credentials (`creds/`), the configuration and the JetStream store. */
  directory: string;
  port?: number;
  contracts?: BusContracts;
  /** More users (tests only: an observer that may read everything). */
  extraUsers?: Array<{ publicKey: string; permissions: NatsPermissions }>;
  /** Where the server logs (default: a file in `directory`). */
  logFile?: string;
  env?: Record<string, string | undefined>;
}

/**
 * A NATS server with JetStream of the system's own, on a free port, that refuses anonymous
 * clients and knows one nkey per app with the permissions generated from the contracts: what
 * `npm run stack` and the tests run. `resume()` after `stop()` keeps the port and the store.
 */
export class LocalNats {
  private process?: ChildProcess;
  private readonly byApp: Map<BusApp, AppCredential>;

  private constructor(
    readonly port: number,
    readonly directory: string,
    credentials: AppCredential[],
    private readonly configFile: string,
    private readonly env: Record<string, string | undefined>,
  ) {
    this.byApp = new Map(credentials.map((c) => [c.app, c]));
    // A runner that gives up (a test timeout, Ctrl-C) must not leave the server behind.
    process.once('exit', () => this.process?.kill('SIGKILL'));
  }

  static async start(options: LocalNatsOptions): Promise<LocalNats> {
    const port = options.port || (await freePort());
    mkdirSync(options.directory, { recursive: true, mode: 0o700 });
    const credentials = ensureCredentials(join(options.directory, 'creds'));
    const configFile = join(options.directory, 'nats-server.conf');
    writeFileSync(
      configFile,
      serverConfig({
        host: '127.0.0.1',
        port,
        storeDir: join(options.directory, 'jetstream'),
        logFile: options.logFile ?? join(options.directory, 'nats-server.log'),
        users: [...usersOf(credentials, options.contracts ?? BUS_CONTRACTS), ...(options.extraUsers ?? [])],
      }),
      { mode: 0o600 },
    );
    const server = new LocalNats(
      port,
      options.directory,
      credentials,
      configFile,
      options.env ?? process.env,
    );
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  credential(app: BusApp): AppCredential {
    const credential = this.byApp.get(app);
    if (!credential) throw new Error(`no NATS credentials for ${app}`);
    return credential;
  }

  /** What an app of the system needs in its environment to reach this server as itself. */
  envFor(app: BusApp): Record<string, string> {
    return {
      NATS_SERVERS: this.url,
      NATS_NKEY_SEED_FILE: this.credential(app).seedFile,
      NATS_PUBLIC_KEYS_FILE: publicKeysFileOf(join(this.directory, 'creds')),
    };
  }

  /** Bus settings for a client in this process acting as `app`. */
  settingsFor(app: BusApp, timeoutMs = 5_000) {
    const publicKeys = Object.fromEntries([...this.byApp.values()].map((c) => [c.app, c.publicKey]));
    return { app, servers: [this.url], seed: this.credential(app).seed, publicKeys, timeoutMs };
  }

  async resume(): Promise<void> {
    const child = spawn(natsServerBinary(this.env), ['-c', this.configFile], { stdio: 'ignore' });
    this.process = child;
    await waitForPort(this.port, 10_000, () => child.exitCode !== null);
  }

  /** Stops the server (SIGTERM by default; SIGKILL for a crash); `resume()` starts it again. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.process;
    this.process = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  }
}
