import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { ReplyOf, RequestContract, RequestOf } from '@app/contracts';
import { bootstrapService, BusClient, BusError } from '@app/bus';
import { freePort } from '../../../test/support/nats-server';
import { InvitationsConfig } from '../src/config';
import { IdentityEventsConsumer } from '../src/events/identity-events.consumer';
import { invitationsServiceModule } from '../src/invitations.module';

export function testConfig(
  databaseUrl: string,
  natsUrl: string,
  overrides: Partial<InvitationsConfig['signup']> = {},
): InvitationsConfig {
  return {
    databaseUrl,
    healthPort: 0,
    nats: { servers: [natsUrl], timeoutMs: 5_000 },
    logLevel: 'silent',
    signup: { disableSignupWithoutLink: false, ...overrides },
  };
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
    queue: 'invitations',
    servers: config.nats.servers,
    healthPort,
    host: '127.0.0.1',
  });
  await app.get(IdentityEventsConsumer).start();
  return { app, healthUrl: `http://127.0.0.1:${healthPort}/health`, stop: () => app.close() };
}

export async function connectClient(natsUrl: string): Promise<BusClient> {
  const client = new BusClient({ name: 'invitations-test', servers: [natsUrl], timeoutMs: 5_000 });
  await client.connect();
  return client;
}

/** The error code and message a request fails with (the test fails if it succeeds). */
export async function failureOf<C extends RequestContract<unknown, unknown>>(
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
    table: 'organization' | 'organization_member' | 'user_context' | 'removed_user',
  ): Promise<number> {
    const result = await this.client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(result.rows[0]?.n);
  }

  async rows<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query<T>(sql, params)).rows;
  }

  async truncate(): Promise<void> {
    await this.client.query(
      'TRUNCATE organization, organization_member, user_context, removed_user RESTART IDENTITY CASCADE',
    );
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
