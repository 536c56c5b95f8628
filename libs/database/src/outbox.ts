import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Kvm } from '@nats-io/kv';
import { NatsConnection } from '@nats-io/transport-node';
import { Column, CreateDateColumn, DataSource, Entity, EntityManager, PrimaryGeneratedColumn } from 'typeorm';
import { eventContractOf, EventContract, KvBucketContract, PayloadOf, StreamContract } from '@app/contracts';
import { BusClient, ensureStream, publishEvent, publishReadModel } from '@app/bus';
import { currentCorrelationId } from '@app/logging';
import { watchOutboxLag } from '@app/metrics';

/** Facts written in the same transaction as the change they describe, relayed to JetStream. */
@Entity({ name: 'outbox' })
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'text', name: 'correlation_id', nullable: true })
  correlationId!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'published_at', nullable: true })
  publishedAt!: Date | null;
}

/** SQL for a service's migration that creates its outbox table. */
export const OUTBOX_TABLE_SQL = `
  CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    subject text NOT NULL,
    payload jsonb NOT NULL,
    correlation_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
  );
  CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
`;

/** Records an event inside the caller's transaction (checked against its contract first). */
export async function recordEvent<C extends EventContract>(
  manager: EntityManager,
  contract: C,
  payload: PayloadOf<C>,
): Promise<void> {
  contract.schema.parse(payload);
  await manager.insert(OutboxMessage, {
    subject: contract.subject,
    payload: payload as object,
    correlationId: currentCorrelationId() ?? null,
  });
}

/**
 * How a service computes one key of a read model it owns, from its own tables: the complete
 * current value, or null when the key no longer exists (it is then deleted from the bucket).
 */
export interface Projection<C extends KvBucketContract = KvBucketContract> {
  contract: C;
  valueOf(manager: EntityManager, key: string): Promise<unknown>;
  /** Every key, to fill a bucket that starts empty (first start, or a read model just added). */
  allKeys(manager: EntityManager): Promise<string[]>;
}

const KV_PREFIX = '$KV.';

/**
 * Records, inside the caller's transaction, that `key` of a read model changed. The relay
 * computes the value when it publishes (so a burst of changes to one key is published once, with
 * the state as committed), after everything recorded before it.
 */
export async function recordReadModelChange(
  manager: EntityManager,
  contract: KvBucketContract,
  keys: Array<string | number>,
): Promise<void> {
  if (keys.length === 0) return;
  await manager.insert(
    OutboxMessage,
    keys.map((key) => ({
      subject: `${KV_PREFIX}${contract.bucket}.${key}`,
      payload: {},
      correlationId: currentCorrelationId() ?? null,
    })),
  );
}

/**
 * Moves committed outbox rows to JetStream. Rows are claimed with SKIP LOCKED, so replicas share
 * the work; a crash after publishing and before marking is harmless because the outbox id is the
 * JetStream message id (deduplicated).
 */
@Injectable()
export class OutboxRelay implements OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private streamReady = false;

  private readonly projections = new Map<string, Projection>();
  private readonly bucketsReady = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: BusClient,
  ) {}

  /** A read model this service owns, kept in step through the outbox (before `start`). */
  project(projection: Projection): void {
    this.projections.set(projection.contract.bucket, projection);
  }

  start(spec?: StreamContract, intervalMs = 1_000): void {
    this.spec = spec;
    watchOutboxLag(String(this.dataSource.options.database ?? 'db'), async () => {
      const [row]: Array<{ lag: string | null }> = await this.dataSource.query(
        'SELECT EXTRACT(EPOCH FROM now() - created_at) AS lag FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1',
      );
      return row ? Math.max(0, Number(row.lag)) : 0;
    });
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  private spec?: StreamContract;

  /** Publishes now (called after a commit); coalesces concurrent calls. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((error: unknown) => this.logger.warn(`Outbox relay paused: ${String(error)}`))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    if (!this.bus.isConnected) return;
    const nc = await this.bus.nats();
    if (this.spec && !this.streamReady) {
      await ensureStream(nc, this.spec);
      this.streamReady = true;
    }
    for (const projection of this.projections.values()) await this.openBucket(nc, projection);
    const dbName = String(this.dataSource.options.database ?? this.dataSource.driver.database ?? 'db');
    for (;;) {
      const published = await this.dataSource.transaction(async (manager) => {
        // One relay at a time: read models are published in commit order, key by key.
        const [{ locked }]: Array<{ locked: boolean }> = await manager.query(
          'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
          [`outbox-relay:${dbName}`],
        );
        if (!locked) return 0;
        const rows: OutboxMessage[] = await manager
          .getRepository(OutboxMessage)
          .createQueryBuilder('o')
          .where('o.published_at IS NULL')
          .orderBy('o.id')
          .limit(100)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        // Of several changes to one key in a batch, only the last is published: it reads the
        // state as committed, which already includes the earlier ones.
        const lastOfKey = new Map<string, string>();
        for (const row of rows) if (row.subject.startsWith(KV_PREFIX)) lastOfKey.set(row.subject, row.id);
        // Values are computed first (in this transaction, as committed); then everything is sent
        // in outbox order, each acknowledged before the next.
        const sends: Array<() => Promise<unknown>> = [];
        for (const row of rows) {
          const msgId = `${dbName}-outbox-${row.id}`;
          if (row.subject.startsWith(KV_PREFIX)) {
            if (lastOfKey.get(row.subject) === row.id) {
              const { key, projection, value } = await this.valueOfKey(manager, row.subject);
              sends.push(() =>
                publishReadModel(nc, this.bus.settings, projection.contract, key, value, msgId),
              );
            }
            continue;
          }
          const contract = eventContractOf(row.subject);
          if (!contract) throw new Error(`Outbox row ${row.id}: ${row.subject} is no event contract`);
          sends.push(() =>
            publishEvent(nc, this.bus.settings, contract, row.payload, msgId, row.correlationId ?? undefined),
          );
        }
        for (const send of sends) await send();
        if (rows.length) {
          await manager.update(
            OutboxMessage,
            rows.map((r) => r.id),
            { publishedAt: new Date() },
          );
        }
        return rows.length;
      });
      if (published < 100) return;
    }
  }

  private async valueOfKey(
    manager: EntityManager,
    subject: string,
  ): Promise<{ key: string; projection: Projection; value: unknown }> {
    const [bucket, ...rest] = subject.slice(KV_PREFIX.length).split('.');
    const key = rest.join('.');
    const projection = this.projections.get(bucket);
    if (!projection) throw new Error(`${subject}: no projection of the read model ${bucket}`);
    return { key, projection, value: await projection.valueOf(manager, key) };
  }

  /**
   * Creates the owner's bucket if needed; a bucket that starts empty while the tables are not
   * (first start with this read model) is filled by recording a change for every key.
   */
  private async openBucket(nc: NatsConnection, projection: Projection): Promise<void> {
    const { bucket } = projection.contract;
    if (this.bucketsReady.has(bucket)) return;
    const kv = await new Kvm(nc).create(bucket, { history: 1 });
    const status = await kv.status();
    if (status.values === 0) {
      this.logger.log(`Read model ${bucket} is new: publishing every key`);
      await this.dataSource.transaction(async (manager) => {
        const keys = await projection.allKeys(manager);
        for (let i = 0; i < keys.length; i += 1000) {
          await recordReadModelChange(manager, projection.contract, keys.slice(i, i + 1000));
        }
      });
    }
    this.bucketsReady.add(bucket);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
