import { Logger } from '@nestjs/common';
import { jetstream } from '@nats-io/jetstream';
import { KV, KvEntry, Kvm } from '@nats-io/kv';
import { headers as natsHeaders, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { KvBucketContract, KvValueOf } from '@app/contracts';
import { BusSettings } from './connection';
import { signatureProblem, signEvent } from './event-signature';

const encoder = new TextEncoder();

/**
 * The headers of a watched entry. @nats-io/kv keeps the JetStream message of a watched entry as `sm`
 * without typing it; an entry without it reads as unsigned, so it is ignored, never trusted.
 */
const headersOf = (entry: KvEntry): MsgHdrs | undefined =>
  (entry as unknown as { sm?: { headers?: MsgHdrs } }).sm?.headers;
const decoder = new TextDecoder();

/**
 * Writes one key of a read model its owner keeps (from the outbox relay): the complete value,
 * checked against the contract and signed, or a delete when the value is null. The message id
 * makes a relay that publishes twice harmless.
 */
export async function publishReadModel(
  nc: NatsConnection,
  owner: Pick<BusSettings, 'seed'>,
  contract: KvBucketContract,
  key: string,
  value: unknown,
  msgID: string,
): Promise<void> {
  const subject = `$KV.${contract.bucket}.${key}`;
  const h = natsHeaders();
  let data = new Uint8Array();
  if (value === null || value === undefined) {
    h.set('KV-Operation', 'DEL');
  } else {
    const checked = contract.schema.safeParse(value);
    if (!checked.success) {
      throw new Error(`${subject}: value does not match its contract (${checked.error.message})`);
    }
    data = encoder.encode(JSON.stringify(checked.data));
  }
  signEvent(h, owner.seed, subject, msgID, data);
  await jetstream(nc).publish(subject, data, { msgID, headers: h });
}

export interface ReplicaListener<C extends KvBucketContract> {
  put(key: string, value: KvValueOf<C>): void;
  delete(key: string): void;
}

/**
 * A read model held in memory: the whole bucket at start (the replica is `ready` only once it has
 * caught up), then every change as the owner publishes it, in order. Only values the owner signed
 * and that match the contract are applied; anything else is logged and ignored. When the watch
 * ends (NATS restarted, the consumer was lost) it starts again from the bucket, and keys that
 * disappeared meanwhile are deleted.
 */
export class KvReplica<C extends KvBucketContract> {
  private readonly logger: Logger;
  private kv?: KV;
  private stopped = false;
  private initialized = false;

  constructor(
    private readonly contract: C,
    private readonly reader: Pick<BusSettings, 'publicKeys'>,
    private readonly listener: ReplicaListener<C>,
  ) {
    this.logger = new Logger(`ReadModel(${contract.bucket})`);
  }

  get ready(): boolean {
    return this.initialized;
  }

  /** Watches until `stop()`; resolves once the first full pass over the bucket is applied. */
  async start(connection: () => Promise<NatsConnection>): Promise<void> {
    let resolveReady!: () => void;
    const ready = new Promise<void>((resolve) => (resolveReady = resolve));
    void this.loop(connection, resolveReady);
    return ready;
  }

  stop(): void {
    this.stopped = true;
  }

  private async loop(connection: () => Promise<NatsConnection>, resolveReady: () => void): Promise<void> {
    let known = new Set<string>();
    while (!this.stopped) {
      try {
        const nc = await connection();
        this.kv ??= await new Kvm(nc).open(this.contract.bucket);
        const seen = new Set<string>();
        let caughtUp = false;
        const catchUp = () => {
          caughtUp = true;
          // Keys that were there before a restart of the watch and are not any more.
          for (const key of known) if (!seen.has(key)) this.listener.delete(key);
          known = seen;
          if (!this.initialized) {
            this.initialized = true;
            resolveReady();
          }
        };
        // The watch delivers the last value of every key, then each change. It has caught up at
        // the entry after which nothing is pending, or at once when the bucket held nothing.
        const empty = (await this.kv.status()).values === 0;
        const watch = await this.kv.watch();
        if (empty) catchUp();
        for await (const entry of watch) {
          if (this.stopped) break;
          this.apply(entry);
          if (!caughtUp) {
            seen.add(entry.key);
            if (entry.delta === 0) catchUp();
          } else if (entry.operation === 'PUT') known.add(entry.key);
          else known.delete(entry.key);
        }
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(`Watch interrupted (${String(error)}); starting again`);
      }
      this.kv = undefined;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  private apply(entry: KvEntry): void {
    if (entry.operation !== 'PUT') {
      this.listener.delete(entry.key);
      return;
    }
    const problem = signatureProblem(
      [this.contract.owner],
      this.reader.publicKeys ?? {},
      headersOf(entry),
      `$KV.${this.contract.bucket}.${entry.key}`,
      entry.value,
    );
    if (problem) {
      this.logger.warn({ key: entry.key, problem }, 'Read model value not signed by its owner: ignored');
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(entry.value));
    } catch {
      value = undefined;
    }
    const checked = this.contract.schema.safeParse(value);
    if (!checked.success) {
      this.logger.warn({ key: entry.key }, 'Malformed read model value ignored');
      return;
    }
    this.listener.put(entry.key, checked.data as KvValueOf<C>);
  }
}
