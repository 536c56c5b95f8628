import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { BusApp } from '@app/contracts';
import { readableLogLine } from './log-format';
import { LocalNats } from './local-nats';
import { LocalObjectStorage } from './local-object-storage';

export type AppName = 'identity' | 'invitations' | 'profiles' | 'gateway';
export const SERVICES: AppName[] = ['identity', 'invitations', 'profiles'];
export const APPS: AppName[] = [...SERVICES, 'gateway'];

export interface StackOptions {
  /** Server URL without a database (`postgres://user@host:port`); each service gets its own database. */
  postgresUrl: string;
  /** Database name prefix (`ls` gives `ls_identity`, `ls_invitations`, `ls_profiles`). */
  databasePrefix: string;
  /**
   * The bus: a NATS server the caller runs (tests), or `{ directory }` for one of the stack's own,
   * started with it (credentials, configuration and JetStream data kept in that directory).
   */
  nats: NatsEndpoint | { directory: string; port?: number };
  /** The first gateway's port; replica i listens on gatewayPort + i. */
  gatewayPort: number;
  /** How many gateway replicas (`GATEWAY_REPLICAS`, default 1), on consecutive ports. */
  gatewayReplicas?: number;
  /** Health ports of identity, invitations, profiles (in that order). */
  healthPorts: [number, number, number];
  /**
   * More replicas of the services (tests): replica r > 0 of a service listens for health on
   * `serviceReplicaHealthPorts[app][r - 1]`.
   */
  serviceReplicaHealthPorts?: Partial<Record<AppName, number[]>>;
  /** Each gateway replica's health port (its `/metrics`); any free port when not given. */
  gatewayHealthPorts?: number[];
  secretKey: string;
  /** Extra environment for every app (e.g. LABEL_STUDIO_* settings, BCRYPT_COST). */
  env: Record<string, string | undefined>;
  /** Extra environment for one app only (e.g. the bootstrap account's password for identity). */
  appEnv?: Partial<Record<AppName, Record<string, string | undefined>>>;
  /** Lines for the person running the stack (the addresses it chose); none by default. */
  announce?: (line: string) => void;
  /**
   * Where app output goes: `inherit` passes the apps' JSON lines through, `readable` prints them
   * for people (app name first, one line per request, coloured on a terminal), a function
   * receives the lines.
   */
  output: 'inherit' | 'readable' | ((app: AppName, line: string) => void);
  root: string;
  /** A local stack's state (`.stack/`): where `ports.json` is written when the stack runs its own NATS. */
  stateDir?: string;
  /**
   * Where no MinIO is configured (MINIO_ENDPOINT unset), an S3 server of the stack's own keeps its
   * data here (and listens on MINIO_PORT, or any free port when 0).
   */
  localStorage?: { directory: string; port: number };
  /**
   * Restart an app that had become ready and then exited on its own, with back-off (as
   * Kubernetes would), telling `announce`. Tests leave it off: they stop and start apps themselves.
   */
  supervise?: boolean;
}

/** Back-off of restarts: doubles from the first, up to the last; reset after a minute of running. */
const RESTART_BACKOFF_MS = { first: 1_000, max: 30_000, resetAfter: 60_000 };

/** What an app needs to reach the bus as itself. */
export interface NatsEndpoint {
  readonly url: string;
  envFor(app: BusApp): Record<string, string>;
}

const isEndpoint = (nats: StackOptions['nats']): nats is NatsEndpoint => 'envFor' in nats;

/** Where a local stack keeps its state: `STACK_DIR`, or `.stack/` in the checkout. */
export const stackDirectory = (root: string, env: Record<string, string | undefined>): string =>
  env.STACK_DIR ? resolve(env.STACK_DIR) : join(root, '.stack');

/** The secret for `npm run stack`: SECRET_KEY if set, else one generated once and kept in the stack's directory. */
export function localSecretKey(dir: string, fromEnv?: string): string {
  if (fromEnv) return fromEnv;
  const file = join(dir, 'secret-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(48).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

/**
 * The local stack of `npm run stack` and `label-studio start`, from the environment: the local
 * PostgreSQL by default, a NATS server of the stack's own (in `.stack/nats`, on a free port),
 * gateway on 8080, health ports 8081-8083.
 */
export function localStackOptions(
  root: string,
  env: Record<string, string | undefined>,
): Omit<StackOptions, 'output' | 'env'> {
  const stateDir = stackDirectory(root, env);
  const gatewayPort = Number(env.PORT ?? 8080);
  const replicas = Number(env.GATEWAY_REPLICAS ?? 1);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 16) {
    throw new Error(`GATEWAY_REPLICAS must be a whole number from 1 to 16, not ${env.GATEWAY_REPLICAS}`);
  }
  const taken = (port: number) => port >= gatewayPort && port < gatewayPort + replicas;
  // The services' health ports default to 8081-8083, or to the ports right after the gateways'.
  const healthPort = (fromEnv: string | undefined, n: number) =>
    fromEnv ? Number(fromEnv) : taken(8080 + n) ? gatewayPort + replicas - 1 + n : 8080 + n;
  const healthPorts: [number, number, number] = [
    healthPort(env.IDENTITY_HEALTH_PORT, 1),
    healthPort(env.INVITATIONS_HEALTH_PORT, 2),
    healthPort(env.PROFILES_HEALTH_PORT, 3),
  ];
  // The gateways' metrics ports (8084 for one replica) follow the services' health ports, or
  // GATEWAY_HEALTH_PORT for the first replica.
  const firstGatewayHealth = env.GATEWAY_HEALTH_PORT
    ? Number(env.GATEWAY_HEALTH_PORT)
    : Math.max(...healthPorts, gatewayPort + replicas - 1) + 1;
  return {
    root,
    stateDir,
    postgresUrl: env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
    databasePrefix: env.DATABASE_PREFIX ?? 'ls',
    nats: { directory: join(stateDir, 'nats') },
    gatewayPort,
    gatewayReplicas: replicas,
    healthPorts,
    gatewayHealthPorts: Array.from({ length: replicas }, (_, i) => firstGatewayHealth + i),
    secretKey: localSecretKey(stateDir, env.SECRET_KEY),
    // Any free port when 9000 is among the gateways'.
    localStorage: {
      directory: join(stateDir, 's3'),
      port: env.MINIO_PORT ? Number(env.MINIO_PORT) : taken(9000) ? 0 : 9000,
    },
  };
}

/**
 * How each app's Node.js is started (as in deploy/Dockerfile): V8's young generation is kept
 * small — 2 MB semi-spaces for the services, 4 MB for the gateway, which allocates per request at a
 * high rate — instead of 16 MB, about 30 MB less resident memory each.
 */
export const nodeFlags = (app: AppName): string[] => [
  '--enable-source-maps',
  app === 'gateway' ? '--max-semi-space-size=4' : '--max-semi-space-size=2',
];

/** glibc's malloc: two arenas instead of eight per core, a few MB less resident memory per app. */
export const MALLOC_ENV = { MALLOC_ARENA_MAX: '2' };

function databaseUrl(options: StackOptions, app: AppName): string {
  const url = new URL(options.postgresUrl);
  url.pathname = `/${options.databasePrefix}_${app}`;
  return url.toString();
}

export function appEnv(
  options: StackOptions,
  app: AppName,
  nats: NatsEndpoint,
  storage?: LocalObjectStorage,
  replica = 0,
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...(app === 'profiles' && storage ? storage.env() : {}),
    ...options.env,
    ...options.appEnv?.[app],
    ...nats.envFor(app),
    SECRET_KEY: options.secretKey,
  };
  // An app has its own credentials only: another's seed must not leak in from the environment.
  delete env.NATS_NKEY_SEED;
  if (app === 'gateway') {
    env.PORT = String(options.gatewayPort + replica);
    env.HEALTH_PORT = String(options.gatewayHealthPorts?.[replica] ?? 0);
  } else {
    env.DATABASE_URL = databaseUrl(options, app);
    env.HEALTH_PORT = String(servicePort(options, app, replica));
  }
  return env;
}

function servicePort(options: StackOptions, app: AppName, replica: number): number {
  if (replica === 0) return options.healthPorts[SERVICES.indexOf(app)];
  const port = options.serviceReplicaHealthPorts?.[app]?.[replica - 1];
  if (port === undefined) throw new Error(`no health port for ${app} replica ${replica}`);
  return port;
}

export function healthUrl(options: StackOptions, app: AppName, replica = 0): string {
  const port = app === 'gateway' ? options.gatewayPort + replica : servicePort(options, app, replica);
  return `http://127.0.0.1:${port}/health/ready`;
}

async function waitReady(url: string, timeoutMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`exited before it was ready (${url})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`not ready within ${timeoutMs} ms (${url})`);
}

/** Runs every app as a child process of this one. */
export class Stack {
  /** Running processes by `<app>#<replica>`. */
  private readonly children = new Map<string, ChildProcess>();
  private localStorage?: LocalObjectStorage;
  private ownNats?: LocalNats;
  /** The next restart delay of each supervised replica. */
  private readonly backoff = new Map<string, number>();
  private stopping = false;
  private readonly restartTimers = new Set<NodeJS.Timeout>();

  constructor(readonly options: StackOptions) {
    // Whatever ends this process (a test runner's timeout included) ends the apps with it.
    process.once('exit', () => {
      for (const child of this.children.values()) child.kill('SIGKILL');
    });
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.options.gatewayPort}`;
  }

  /** Every gateway replica's URL, in order. */
  get gatewayUrls(): string[] {
    return Array.from(
      { length: this.options.gatewayReplicas ?? 1 },
      (_, i) => `http://127.0.0.1:${this.options.gatewayPort + i}`,
    );
  }

  /** The bus the apps use (the stack's own NATS server once started, or the one given). */
  get nats(): NatsEndpoint {
    if (isEndpoint(this.options.nats)) return this.options.nats;
    if (!this.ownNats) throw new Error('the stack has not started its NATS server yet');
    return this.ownNats;
  }

  /** The environment an app of this stack starts with (tests start variations of it). */
  appEnvironment(app: AppName, replica = 0): Record<string, string | undefined> {
    return appEnv(this.options, app, this.nats, this.localStorage, replica);
  }

  /** The stack's own S3 server, when it runs one. */
  get storage(): LocalObjectStorage | undefined {
    return this.localStorage;
  }

  async start(apps: AppName[] = APPS, timeoutMs = 60_000): Promise<void> {
    this.stopping = false;
    if (!isEndpoint(this.options.nats) && !this.ownNats) {
      this.ownNats = await LocalNats.start({
        ...this.options.nats,
        env: { ...process.env, ...this.options.env },
      });
      this.options.announce?.(`NATS: ${this.ownNats.url}`);
    }
    const minioConfigured = Boolean(
      this.options.env.MINIO_ENDPOINT ??
      this.options.appEnv?.profiles?.MINIO_ENDPOINT ??
      process.env.MINIO_ENDPOINT,
    );
    if (this.options.localStorage && !minioConfigured && !this.localStorage) {
      this.localStorage = await LocalObjectStorage.start(
        this.options.localStorage.directory,
        this.options.localStorage.port,
      );
    }
    // Services first (they create their databases and run migrations), then the gateway.
    await Promise.all(
      apps
        .filter((a) => a !== 'gateway')
        .flatMap((app) =>
          Array.from({ length: 1 + (this.options.serviceReplicaHealthPorts?.[app]?.length ?? 0) }, (_, r) =>
            this.startApp(app, timeoutMs, r),
          ),
        ),
    );
    if (apps.includes('gateway')) {
      const replicas = this.options.gatewayReplicas ?? 1;
      await Promise.all(Array.from({ length: replicas }, (_, i) => this.startApp('gateway', timeoutMs, i)));
    }
    if (this.ownNats && this.options.stateDir) this.writePorts(this.options.stateDir);
  }

  /**
   * `.stack/ports.json`: where everything of a local stack listens, so that `npx label-studio …`
   * (and people) find its NATS server and credentials without being told.
   */
  private writePorts(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const ports = {
      gateway: this.gatewayUrls.map((url) => Number(new URL(url).port)),
      health: {
        ...Object.fromEntries(SERVICES.map((app, i) => [app, this.options.healthPorts[i]])),
        ...(this.options.gatewayHealthPorts ? { gateway: this.options.gatewayHealthPorts } : {}),
      },
      nats: this.nats.url,
      natsCredentials: join(this.ownNats!.directory, 'creds'),
      ...(this.localStorage ? { s3: `http://127.0.0.1:${this.localStorage.env().MINIO_PORT}` } : {}),
    };
    writeFileSync(join(dir, 'ports.json'), `${JSON.stringify(ports, null, 2)}\n`);
  }

  async startApp(app: AppName, timeoutMs = 60_000, replica = 0): Promise<void> {
    const name = `${app}#${replica}`;
    if (this.children.has(name)) return;
    const entry = resolve(this.options.root, 'dist', 'apps', app, 'src', 'main.js');
    const child = spawn(process.execPath, [...nodeFlags(app), entry], {
      env: { ...MALLOC_ENV, ...this.appEnvironment(app, replica) },
      stdio:
        this.options.output === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    });
    const output = this.options.output;
    // The last lines the app wrote to stderr, for the message when it stops before it is ready.
    const lastErrors: string[] = [];
    if (output !== 'inherit') {
      const label = (this.options.gatewayReplicas ?? 1) > 1 && app === 'gateway' ? name : app;
      const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
      const sink =
        output === 'readable'
          ? (line: string) => process.stdout.write(`${readableLogLine(label, line, colour)}\n`)
          : (line: string) => output(app, line);
      for (const stream of [child.stdout, child.stderr]) {
        if (!stream) continue;
        createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
          if (stream === child.stderr && lastErrors.push(line) > 5) lastErrors.shift();
          if (line) sink(line);
        });
      }
    }
    this.children.set(name, child);
    const life: { readyAt?: number } = {};
    child.once('exit', (code, signal) => {
      if (this.children.get(name) !== child) return;
      // Still in the map: nobody asked it to stop.
      this.children.delete(name);
      if (life.readyAt !== undefined && this.options.supervise && !this.stopping) {
        this.restartLater(app, replica, timeoutMs, code, signal, Date.now() - life.readyAt);
      }
    });
    await waitReady(healthUrl(this.options, app, replica), timeoutMs, () => child.exitCode !== null).catch(
      async (error: unknown) => {
        const exited = child.exitCode !== null;
        // Its last words may still be in the pipe.
        if (exited && child.stderr && !child.stderr.readableEnded) {
          await new Promise<void>((done) => {
            setTimeout(done, 500).unref();
            child.stderr?.once('end', () => done());
          });
        }
        const how = exited ? ` (exit code ${child.exitCode})` : '';
        const said = exited && lastErrors.length ? `; its last errors: ${lastErrors.join(' | ')}` : '';
        throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}${how}${said}`);
      },
    );
    life.readyAt = Date.now();
  }

  private restartLater(
    app: AppName,
    replica: number,
    timeoutMs: number,
    code: number | null,
    signal: NodeJS.Signals | null,
    ranMs: number,
  ): void {
    const name = `${app}#${replica}`;
    const previous = this.backoff.get(name);
    const delay =
      previous === undefined || ranMs >= RESTART_BACKOFF_MS.resetAfter
        ? RESTART_BACKOFF_MS.first
        : Math.min(previous * 2, RESTART_BACKOFF_MS.max);
    this.backoff.set(name, delay);
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    this.options.announce?.(`${name} exited unexpectedly (${how}); restarting in ${delay / 1000} s`);
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (this.stopping) return;
      this.startApp(app, timeoutMs, replica).then(
        () => this.options.announce?.(`${name} restarted and ready`),
        (error: unknown) => {
          this.options.announce?.(`${name} did not come back: ${String(error)}`);
          // It exited before it was ready (its exit handler saw no readiness): keep trying.
          if (!this.children.has(name) && !this.stopping) {
            this.restartLater(app, replica, timeoutMs, null, null, 0);
          }
        },
      );
    }, delay);
    this.restartTimers.add(timer);
  }

  /** The process id of a running replica (for measurements). */
  pidOf(app: AppName, replica = 0): number | undefined {
    return this.children.get(`${app}#${replica}`)?.pid;
  }

  /** Every replica of `app`: SIGTERM (graceful: in-flight work finishes) or SIGKILL (a crash). */
  async stopApp(app: AppName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const replicas = [...this.children.keys()].filter((name) => name.startsWith(`${app}#`));
    await Promise.all(replicas.map((name) => this.stopReplica(app, Number(name.split('#')[1]), signal)));
  }

  /** One replica of `app`. */
  async stopReplica(app: AppName, replica: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const name = `${app}#${replica}`;
    const child = this.children.get(name);
    if (!child) return;
    this.children.delete(name);
    if (child.exitCode !== null) return;
    await new Promise<void>((resolveExit) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolveExit();
      });
      child.kill(signal);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.restartTimers.clear();
    await this.stopApp('gateway');
    await Promise.all(SERVICES.map((app) => this.stopApp(app)));
    await this.localStorage?.stop();
    this.localStorage = undefined;
    await this.ownNats?.stop();
    this.ownNats = undefined;
  }
}
