import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, NatsConnection, nkeyAuthenticator } from '@nats-io/transport-node';
import { BusError, natsConnectionOptions, natsRequestFailure } from '@app/bus';
import { BusApp, Headers, isErrorPayload } from '@app/contracts';
import { signEvent } from '@app/bus';
import { OBSERVER_SEED, TestNatsServer } from './nats-server';

const encoder = new TextEncoder();

/** How NATS itself failed a raw request, as a code a test can compare. */
export class NatsFailure extends Error {
  constructor(
    readonly code: 'PERMISSIONS_VIOLATION' | 'NO_RESPONDERS' | 'TIMEOUT' | 'OTHER',
    cause: unknown,
  ) {
    super(`${code}: ${String(cause)}`, { cause });
  }

  /** Classified as the bus client classifies it (`natsRequestFailure`). */
  static of(error: unknown): NatsFailure {
    const { kind, cause } = natsRequestFailure(error);
    const codes = {
      'no-responders': 'NO_RESPONDERS',
      permissions: 'PERMISSIONS_VIOLATION',
      timeout: 'TIMEOUT',
      other: 'OTHER',
    } as const;
    return new NatsFailure(codes[kind], kind === 'permissions' ? cause : error);
  }
}

/** A plain NATS connection as `app`, with its own credentials and reply inbox (and so its permissions). */
export const connectAs = (nats: TestNatsServer, app: BusApp): Promise<NatsConnection> =>
  connect(natsConnectionOptions(nats.settingsFor(app)));

/** A plain NATS connection as the test-only observer, which may read and write everything. */
export const connectAsObserver = (nats: TestNatsServer): Promise<NatsConnection> =>
  connect({ servers: nats.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(OBSERVER_SEED)) });

/**
 * Sends what the typed BusClient never would: any subject, any payload, any caller header, without
 * its checks (who may send, the contract's schema). For tests of what the services and NATS
 * themselves do with such a message. Speaks the BusClient's wire format (`{ pattern, data, id }`).
 */
export class RawBus {
  private constructor(private readonly nc: NatsConnection) {}

  static async connect(nats: TestNatsServer, app: BusApp): Promise<RawBus> {
    return new RawBus(await connectAs(nats, app));
  }

  /** The reply; a `{ code, message }` answer as a BusError; a transport failure as a NatsFailure. */
  async request(
    subject: string,
    data: unknown,
    options: { caller?: number | string; timeoutMs?: number } = {},
  ): Promise<unknown> {
    const h = natsHeaders();
    if (options.caller !== undefined) h.set(Headers.caller, String(options.caller));
    const msg = await this.nc
      .request(subject, JSON.stringify({ pattern: subject, data, id: randomUUID() }), {
        timeout: options.timeoutMs ?? 5_000,
        headers: h,
      })
      .catch((error: unknown) => {
        throw NatsFailure.of(error);
      });
    const reply = msg.json<{ response?: unknown; err?: unknown }>();
    if (reply.err !== undefined && reply.err !== null) {
      if (isErrorPayload(reply.err)) throw BusError.from(reply.err);
      throw new Error(`undecodable error reply from ${subject}: ${JSON.stringify(reply.err)}`);
    }
    return reply.response;
  }

  /** The error a raw request failed with: a BusError (the service's answer) or a NatsFailure (NATS'). */
  async failureOf(
    subject: string,
    data: unknown,
    options: { caller?: number | string; timeoutMs?: number } = {},
  ): Promise<BusError | NatsFailure> {
    try {
      await this.request(subject, data, options);
    } catch (error) {
      if (error instanceof BusError || error instanceof NatsFailure) return error;
      throw error;
    }
    throw new Error(`expected ${subject} to fail`);
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

/**
 * Publishes a payload to JetStream as `app` would, signed with its key, but without publishEvent's
 * check against the contract: to see what consumers do with a malformed event.
 */
export async function publishUnchecked(
  nc: NatsConnection,
  nats: TestNatsServer,
  app: BusApp,
  subject: string,
  payload: unknown,
  msgID: string,
): Promise<void> {
  const h = natsHeaders();
  const data = encoder.encode(JSON.stringify(payload));
  signEvent(h, nats.seedOf(app), subject, msgID, data);
  await jetstream(nc).publish(subject, data, { msgID, headers: h });
}
