import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenericContainer, StartedTestContainer, Wait } from 'testcontainers';
import { BUS_CONTRACTS, BusApp, BusContracts, NatsPermissions } from '@app/contracts';
import {
  AppCredential,
  ensureCredentials,
  publicKeysFileOf,
  serverConfig,
  usersOf,
} from '../../scripts/nats-auth';
import { freePort } from '../../scripts/local-nats';
import { hostOf, startAgain, stopContainer, TEST_IMAGES } from './container-runtime';

export { containersInUse } from './container-runtime';

/** Waits until a NATS server on `port` sends its INFO line (an open port alone can be a proxy's). */
async function waitForNatsInfo(host: string, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((done) => {
      const socket = createConnection({ host, port });
      const finish = (value: boolean) => {
        socket.destroy();
        done(value);
      };
      socket.setTimeout(1_000, () => finish(false));
      socket.once('data', (chunk) => finish(chunk.toString('utf8').startsWith('INFO ')));
      socket.once('error', () => finish(false));
      socket.once('close', () => finish(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`NATS on ${host}:${port} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until an HTTP server answers at `url`, whatever its status. */
async function waitForHttp(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(error)}`, { cause: error });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * A NATS server with JetStream in a container, configured as the local one (no anonymous clients,
 * one nkey per app, permissions from the contracts): the configuration is copied in, the client port
 * published on a fixed host port so that `resume()` after `stop()` keeps the address and the store.
 */
export class ContainerNats {
  private readonly byApp: Map<BusApp, AppCredential>;

  private constructor(
    private readonly container: StartedTestContainer,
    private readonly host: string,
    readonly port: number,
    readonly directory: string,
    credentials: AppCredential[],
  ) {
    this.byApp = new Map(credentials.map((c) => [c.app, c]));
  }

  static async start(options: {
    contracts?: BusContracts;
    extraUsers?: Array<{ publicKey: string; permissions: NatsPermissions }>;
  }): Promise<ContainerNats> {
    const directory = mkdtempSync(join(tmpdir(), 'nats-container-'));
    const credentials = ensureCredentials(join(directory, 'creds'));
    const config = serverConfig({
      host: '0.0.0.0',
      port: 4222,
      storeDir: '/tmp/jetstream',
      users: [...usersOf(credentials, options.contracts ?? BUS_CONTRACTS), ...(options.extraUsers ?? [])],
    });
    const port = await freePort();
    const container = await new GenericContainer(TEST_IMAGES.nats)
      .withCopyContentToContainer([{ content: config, target: '/etc/nats-test.conf' }])
      .withEntrypoint(['nats-server'])
      .withCommand(['-c', '/etc/nats-test.conf'])
      .withExposedPorts({ container: 4222, host: port })
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .withStartupTimeout(60_000)
      .start();
    const nats = new ContainerNats(container, hostOf(container), port, directory, credentials);
    await waitForNatsInfo(nats.host, port);
    return nats;
  }

  get url(): string {
    return `nats://${this.host}:${this.port}`;
  }

  credential(app: BusApp): AppCredential {
    const credential = this.byApp.get(app);
    if (!credential) throw new Error(`no NATS credentials for ${app}`);
    return credential;
  }

  envFor(app: BusApp): Record<string, string> {
    return {
      NATS_SERVERS: this.url,
      NATS_NKEY_SEED_FILE: this.credential(app).seedFile,
      NATS_PUBLIC_KEYS_FILE: publicKeysFileOf(join(this.directory, 'creds')),
    };
  }

  settingsFor(app: BusApp, timeoutMs = 5_000) {
    const publicKeys = Object.fromEntries([...this.byApp.values()].map((c) => [c.app, c.publicKey]));
    return { app, servers: [this.url], seed: this.credential(app).seed, publicKeys, timeoutMs };
  }

  async resume(): Promise<void> {
    await startAgain(this.container);
    await waitForNatsInfo(this.host, this.port);
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    return stopContainer(this.container, signal);
  }

  async dispose(): Promise<void> {
    await this.container.stop({ remove: true });
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** What the tests need of an S3 server, local (s3rver in this process) or in a container. */
export interface TestObjectStorage {
  /** MINIO_* for the profiles service; the tests' own S3 client uses the same. */
  env(): Record<string, string>;
  /** Stops answering; `resume()` brings it back with its data. */
  stop(): Promise<void>;
  resume(): Promise<void>;
  /** Stops it and throws its data away; it comes back empty (a fresh volume). */
  wipe(): Promise<void>;
  dispose(): Promise<void>;
}

/** s3rver's fixed development credentials (it accepts no others). */
const S3RVER_KEY = 'S3RVER';

/** The tests' S3 image (test/containers/s3rver) in a container, on fixed host ports. */
export class ContainerObjectStorage implements TestObjectStorage {
  private constructor(
    private container: StartedTestContainer,
    private readonly port: number,
  ) {}

  private static run(port: number): Promise<StartedTestContainer> {
    return new GenericContainer(TEST_IMAGES.s3)
      .withExposedPorts({ container: 9000, host: port })
      .withWaitStrategy(Wait.forHttp('/', 9000).forStatusCodeMatching(() => true))
      .withStartupTimeout(60_000)
      .start();
  }

  static async start(): Promise<ContainerObjectStorage> {
    const port = await freePort();
    return new ContainerObjectStorage(await ContainerObjectStorage.run(port), port);
  }

  env(): Record<string, string> {
    return {
      MINIO_ENDPOINT: hostOf(this.container),
      MINIO_PORT: String(this.port),
      MINIO_USE_SSL: 'false',
      MINIO_REGION: 'us-east-1',
      MINIO_ACCESS_KEY: S3RVER_KEY,
      MINIO_SECRET_KEY: S3RVER_KEY,
    };
  }

  stop(): Promise<void> {
    return stopContainer(this.container);
  }

  async resume(): Promise<void> {
    await startAgain(this.container);
    await waitForHttp(`http://${hostOf(this.container)}:${this.port}/`);
  }

  async wipe(): Promise<void> {
    await this.container.stop({ remove: true });
    this.container = await ContainerObjectStorage.run(this.port);
  }

  async dispose(): Promise<void> {
    await this.container.stop({ remove: true });
  }
}
