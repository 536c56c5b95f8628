import { connect, NatsConnection } from '@nats-io/transport-node';
import { KvReplica, natsConnectionOptions } from '@app/bus';
import { KvBucketContract, KvValueOf } from '@app/contracts';
import { TestNatsServer } from './nats-server';

/**
 * A read model as the gateway holds it: a `KvReplica` connected with the gateway's credentials,
 * applying only what the owner signed, into a map the test reads. `open` resolves once the bucket
 * exists (the owner's relay creates it) and the replica has caught up with it.
 */
export class ReadModelReader<C extends KvBucketContract> {
  readonly values = new Map<string, KvValueOf<C>>();
  /** Every key the replica applied (a put or a delete), in order. */
  readonly applied: string[] = [];
  private readonly replica: KvReplica<C>;

  private constructor(
    contract: C,
    nats: TestNatsServer,
    private readonly nc: NatsConnection,
  ) {
    this.replica = new KvReplica(contract, nats.settingsFor('gateway'), {
      put: (key, value) => {
        this.values.set(key, value);
        this.applied.push(key);
      },
      delete: (key) => {
        this.values.delete(key);
        this.applied.push(key);
      },
    });
  }

  static async open<C extends KvBucketContract>(
    nats: TestNatsServer,
    contract: C,
  ): Promise<ReadModelReader<C>> {
    const nc = await connect(natsConnectionOptions(nats.settingsFor('gateway')));
    const reader = new ReadModelReader(contract, nats, nc);
    await reader.replica.start(async () => nc);
    return reader;
  }

  get(key: string | number): KvValueOf<C> | undefined {
    return this.values.get(String(key));
  }

  /** The value of `key` once it passes `check` (which throws while it does not). */
  async eventually(
    key: string | number,
    check: (value: KvValueOf<C> | undefined) => void,
    timeoutMs = 10_000,
  ): Promise<KvValueOf<C> | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = this.get(key);
      try {
        check(value);
        return value;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Resolves once `key` has a value passing `check`. */
  valueOf(
    key: string | number,
    check: (value: KvValueOf<C>) => void = () => undefined,
  ): Promise<KvValueOf<C>> {
    return this.eventually(key, (value) => {
      if (value === undefined) throw new Error(`no value for ${key}`);
      check(value);
    }) as Promise<KvValueOf<C>>;
  }

  /** Resolves once `key` is absent. */
  async absent(key: string | number): Promise<void> {
    await this.eventually(key, (value) => {
      if (value !== undefined) throw new Error(`${key} is still there: ${JSON.stringify(value)}`);
    });
  }

  async close(): Promise<void> {
    this.replica.stop();
    if (!this.nc.isClosed()) await this.nc.close();
  }
}
