import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { BusApp, InvitationsEvents, ReplyOf, RequestContract, RequestOf } from '@app/contracts';
import { bootstrapService, BusClient, BusError } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { freePort, TestNatsServer } from '../../../test/support/nats-server';
import { InvitationsConfig, loadInvitationsConfig } from '../src/config';
import { inviteTokenDigest, newInviteToken } from '../src/organizations/invite-token';
import { IdentityEventsConsumer } from '../src/events/identity-events.consumer';
import { invitationsServiceModule } from '../src/invitations.module';

/** The service's configuration for a test: its database, and the test's NATS as `invitations`. */
export function testConfig(
  databaseUrl: string,
  nats: TestNatsServer,
  overrides: Partial<InvitationsConfig['signup']> = {},
): InvitationsConfig {
  const config = loadInvitationsConfig({
    ...nats.envFor('invitations'),
    DATABASE_URL: databaseUrl,
    HEALTH_PORT: '0',
    LOG_LEVEL: 'silent',
  });
  return { ...config, signup: { ...config.signup, ...overrides } };
}

export interface RunningInvitations {
  app: INestApplication;
  healthUrl: string;
  stop(): Promise<void>;
}

/** The service as main.ts starts it: health over HTTP, handlers on NATS, then the durable consumers. */
export async function startInvitations(config: InvitationsConfig): Promise<RunningInvitations> {
  const healthPort = await freePort();
  const app = await bootstrapService({
    module: invitationsServiceModule(config),
    bus: config.nats,
    healthPort,
    host: '127.0.0.1',
  });
  app.get(OutboxRelay).start(InvitationsEvents.stream);
  await app.get(IdentityEventsConsumer).start();
  return { app, healthUrl: `http://127.0.0.1:${healthPort}/health`, stop: () => app.close() };
}

/** A bus client acting as `app` (the gateway unless said otherwise), with that app's credentials. */
export async function connectClient(nats: TestNatsServer, app: BusApp = 'gateway'): Promise<BusClient> {
  const client = new BusClient(nats.settingsFor(app, 5_000));
  await client.connect();
  return client;
}

/** The error code and message a request fails with (the test fails if it succeeds). */
export async function failureOf<C extends RequestContract>(
  client: BusClient,
  contract: C,
  payload: RequestOf<C>,
  caller?: number,
): Promise<{ code: string; message: string }> {
  try {
    const reply: ReplyOf<C> = await client.request(contract, payload, { caller });
    throw new Error(`expected ${contract.subject} to fail, got ${JSON.stringify(reply)}`);
  } catch (error) {
    if (error instanceof BusError) return { code: error.code, message: error.message };
    throw error;
  }
}

export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Direct reads of the service's tables, to check what replies cannot show. */
export class TestTables {
  private constructor(private readonly client: Client) {}

  static async open(url: string): Promise<TestTables> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return new TestTables(client);
  }

  async count(
    table: 'organization' | 'organization_member' | 'user_context' | 'removed_user' | 'audit_log' | 'outbox',
  ): Promise<number> {
    const result = await this.client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(result.rows[0]?.n);
  }

  /** The events in the outbox (not the changes of the read model, which share the table). */
  async countEvents(): Promise<number> {
    const result = await this.client.query<{ n: string }>(
      `SELECT count(*) AS n FROM outbox WHERE subject NOT LIKE '$KV.%'`,
    );
    return Number(result.rows[0]?.n);
  }

  async rows<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query<T>(sql, params)).rows;
  }

  /**
   * Empties every table. The outbox is locked first: the relay, which reads the other tables while
   * holding outbox rows (to publish the read model), finishes or waits, so the two cannot take
   * their locks in opposite orders. A deadlock with anything else running is retried.
   */
  async truncate(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.query('BEGIN');
        await this.client.query('LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE');
        await this.client.query(
          'TRUNCATE organization, organization_member, user_context, removed_user, audit_log, signup_ticket RESTART IDENTITY CASCADE',
        );
        // Outbox ids are JetStream message ids: restarting them would make new events look like repeats.
        await this.client.query('TRUNCATE outbox');
        await this.client.query('COMMIT');
        return;
      } catch (error) {
        await this.client.query('ROLLBACK');
        if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
      }
    }
  }

  /** An organization besides the first (only the first is founded by a signup). */
  async insertOrganization(
    overrides: { title?: string; createdById?: number | null; token?: string } = {},
  ): Promise<{ id: number; token: string }> {
    const token = overrides.token ?? newInviteToken();
    const [row] = await this.rows<{ id: number; token: string }>(
      `INSERT INTO organization (title, token, token_digest, created_by_id, created_by_email)
       VALUES ($1, $2, $3, $4, $5) RETURNING id, token`,
      [
        overrides.title ?? 'Other organization',
        token,
        inviteTokenDigest(token),
        overrides.createdById ?? null,
        overrides.createdById ? `user${overrides.createdById}@example.com` : null,
      ],
    );
    return row;
  }

  /** A membership row as another path (API, CLI) would have made it. */
  async insertMembership(organizationId: number, userId: number, deleted = false): Promise<void> {
    await this.rows(
      `INSERT INTO organization_member (organization_id, user_id, deleted_at)
       VALUES ($1, $2, ${deleted ? 'now()' : 'NULL'})`,
      [organizationId, userId],
    );
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
