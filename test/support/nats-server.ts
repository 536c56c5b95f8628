import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { BusApp, BusContracts } from '@app/contracts';
import { BusSettings } from '@app/bus';
import { LocalNats } from '../../scripts/local-nats';
import { ContainerNats, containersInUse } from './containers';

export { freePort, waitForPort } from '../../scripts/local-nats';

/** A test-only user that may read and write everything: to watch what crosses the bus. */
const observer = createUser();
export const OBSERVER_SEED = new TextDecoder().decode(observer.getSeed());

export interface TestNatsOptions {
  /** Contracts beyond the system's (a test's own subjects), for the generated permissions. */
  contracts?: BusContracts;
}

/**
 * A NATS server with JetStream of the test's own, on a free port, configured exactly as the
 * stack's (no anonymous clients, one nkey per app, permissions from the contracts) plus an
 * observer. Isolated from other suites and from a running stack, and stoppable for fault tests;
 * `resume()` keeps the same port and store. A local `nats-server` process, or a container when the
 * run uses containers (test/support/containers.ts).
 */
export class TestNatsServer {
  private constructor(
    private readonly server: LocalNats | ContainerNats,
    private readonly directory?: string,
  ) {}

  static async start(options: TestNatsOptions = {}): Promise<TestNatsServer> {
    const extraUsers = [
      {
        publicKey: observer.getPublicKey(),
        permissions: { publish: ['>'], subscribe: ['>'], allowResponses: true },
      },
    ];
    if (containersInUse()) {
      return new TestNatsServer(await ContainerNats.start({ contracts: options.contracts, extraUsers }));
    }
    const directory = mkdtempSync(join(tmpdir(), 'nats-test-'));
    const server = await LocalNats.start({ directory, contracts: options.contracts, extraUsers });
    return new TestNatsServer(server, directory);
  }

  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  /** Bus settings for a client in this process acting as `app`, with its own credentials. */
  settingsFor(app: BusApp, timeoutMs = 5_000): BusSettings {
    return this.server.settingsFor(app, timeoutMs);
  }

  /** NATS_SERVERS and NATS_NKEY_SEED_FILE for an app started as a process. */
  envFor(app: BusApp): Record<string, string> {
    return this.server.envFor(app);
  }

  seedOf(app: BusApp): string {
    return this.server.credential(app).seed;
  }

  resume(): Promise<void> {
    return this.server.resume();
  }

  stop(signal?: NodeJS.Signals): Promise<void> {
    return this.server.stop(signal);
  }

  async dispose(): Promise<void> {
    if (this.server instanceof ContainerNats) {
      await this.server.dispose();
      return;
    }
    await this.server.stop();
    if (this.directory) rmSync(this.directory, { recursive: true, force: true });
  }
}
