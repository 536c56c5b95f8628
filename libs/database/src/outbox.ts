import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Column, CreateDateColumn, DataSource, Entity, EntityManager, PrimaryGeneratedColumn } from 'typeorm';
import { eventContractOf, EventContract, PayloadOf, StreamContract } from '@app/contracts';
import { BusClient, ensureStream, publishEvent } from '@app/bus';
import { currentCorrelationId } from '@app/logging';

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

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: BusClient,
  ) {}

  start(spec: StreamContract, intervalMs = 1_000): void {
    this.spec = spec;
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
    if (!this.spec || !this.bus.isConnected) return;
    const nc = await this.bus.nats();
    if (!this.streamReady) {
      await ensureStream(nc, this.spec);
      this.streamReady = true;
    }
    const dbName = String(this.dataSource.options.database ?? this.dataSource.driver.database ?? 'db');
    for (;;) {
      const published = await this.dataSource.transaction(async (manager) => {
        const rows: OutboxMessage[] = await manager
          .getRepository(OutboxMessage)
          .createQueryBuilder('o')
          .where('o.published_at IS NULL')
          .orderBy('o.id')
          .limit(100)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        for (const row of rows) {
          const contract = eventContractOf(row.subject);
          if (!contract) throw new Error(`Outbox row ${row.id}: ${row.subject} is no event contract`);
          await publishEvent(
            nc,
            this.bus.settings,
            contract,
            row.payload,
            `${dbName}-outbox-${row.id}`,
            row.correlationId ?? undefined,
          );
        }
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

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
