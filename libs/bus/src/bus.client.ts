import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  connect,
  headers as natsHeaders,
  NatsConnection,
  PermissionViolationError,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import { ErrorCode, Headers, isErrorPayload, ReplyOf, RequestContract, RequestOf } from '@app/contracts';
import { currentCorrelationId, newCorrelationId } from '@app/logging';
import { busRequestDuration } from '@app/metrics';
import { BusError } from './bus.error';
import { zodFieldErrors } from './field-errors';
import {
  authFailed,
  BusSettings,
  isAuthViolation,
  natsConnectionOptions,
  watchForAuthFailure,
} from './connection';

export type BusClientOptions = BusSettings;

export interface RequestOptions {
  /** The signed-in user a gateway request acts for (`x-caller-id`). */
  caller?: number;
  timeoutMs?: number;
}

/** The reply packet of `@nestjs/microservices`' NATS transport. */
interface ReplyPacket {
  id?: string;
  response?: unknown;
  err?: unknown;
}

/** How NATS itself failed a request, and what it said. */
export interface NatsRequestFailure {
  kind: 'no-responders' | 'permissions' | 'timeout' | 'other';
  cause: unknown;
}

/** NATS reports "no responders" and a refused publish as a RequestError carrying the cause. */
export function natsRequestFailure(error: unknown): NatsRequestFailure {
  const cause = error instanceof RequestError ? error.cause : error;
  if (error instanceof RequestError && error.isNoResponders()) return { kind: 'no-responders', cause };
  if (cause instanceof PermissionViolationError) return { kind: 'permissions', cause };
  if (error instanceof TimeoutError) return { kind: 'timeout', cause };
  return { kind: 'other', cause };
}

/**
 * The one way to call a service: typed by the contract, with a timeout, the correlation id in
 * the headers, and `{ code, message }` replies turned into BusError. Speaks the wire format of
 * `@nestjs/microservices` (`{ pattern, data, id }`), so services are plain `@MessagePattern`
 * handlers. NATS' own request is used rather than Nest's ClientProxy because it reports "no
 * responders" at once (a stopped service is a 503 in milliseconds, not a timeout).
 */
/** Told of every successful reply (the gateway keeps its read model in step with its own writes). */
export type ReplyObserver = (contract: RequestContract, payload: unknown, reply: unknown) => void;

export class BusClient {
  private readonly replyObservers: ReplyObserver[] = [];

  private readonly logger: Logger;
  private connection?: NatsConnection;
  private connecting?: Promise<NatsConnection>;
  private connected = false;
  private lostAt: number | null = null;

  constructor(private readonly options: BusClientOptions) {
    this.logger = new Logger(`Bus(${options.app})`);
  }

  async connect(): Promise<NatsConnection> {
    if (this.connection) return this.connection;
    this.connecting ??= connect({
      ...natsConnectionOptions(this.options),
      // Keep trying forever, also when NATS is down at start-up: requests fail fast meanwhile.
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      pingInterval: 10_000,
    }).then(
      (nc) => {
        watchForAuthFailure(nc, this.options);
        this.connection = nc;
        this.connected = true;
        void this.watchStatus(nc);
        return nc;
      },
      (error: unknown) => {
        // Credentials NATS does not know never start to work: stop, naming the variable.
        if (isAuthViolation(error)) authFailed(this.options);
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  observeReplies(observer: ReplyObserver): void {
    this.replyObservers.push(observer);
  }

  /** Who this client is on the bus (its app, credentials, and the peers' public keys). */
  get settings(): BusSettings {
    return this.options;
  }

  /** When the connection was lost (ms since epoch); null while connected or before the first. */
  get disconnectedSince(): number | null {
    return this.lostAt;
  }

  get isConnected(): boolean {
    return this.connected && !!this.connection && !this.connection.isClosed();
  }

  /** The raw connection, for JetStream publishers and consumers. */
  async nats(): Promise<NatsConnection> {
    return this.connect();
  }

  async request<C extends RequestContract>(
    contract: C,
    payload: RequestOf<C>,
    options: RequestOptions = {},
  ): Promise<ReplyOf<C>> {
    if (!contract.from.includes(this.options.app)) {
      // NATS would refuse it too; saying so here names the mistake instead of timing out.
      this.logger.error(`${this.options.app} may not send ${contract.subject} (see its contract)`);
      throw new BusError(ErrorCode.Internal, 'Internal server error');
    }
    const checked = contract.schema.safeParse(payload);
    if (!checked.success) {
      throw new BusError(ErrorCode.ValidationFailed, 'Validation error', zodFieldErrors(checked.error));
    }
    const nc = this.connection;
    if (!nc || !this.isConnected) {
      throw new BusError(
        ErrorCode.Unavailable,
        'Service temporarily unavailable: the message bus cannot be reached',
      );
    }
    const h = natsHeaders();
    h.set(Headers.correlationId, currentCorrelationId() ?? newCorrelationId());
    if (options.caller !== undefined) h.set(Headers.caller, String(options.caller));
    const timeout = options.timeoutMs ?? this.options.timeoutMs;
    h.set(Headers.timeout, String(timeout));
    const packet = { pattern: contract.subject, data: payload, id: randomUUID() };
    const started = performance.now();
    const observe = (outcome: string) =>
      busRequestDuration.observe(
        { subject: contract.subject, side: 'client', outcome },
        (performance.now() - started) / 1000,
      );
    let reply: ReplyPacket;
    try {
      const msg = await nc.request(contract.subject, JSON.stringify(packet), {
        timeout,
        headers: h,
      });
      reply = msg.json<ReplyPacket>();
    } catch (error) {
      const failure = this.transportError(contract.subject, error);
      observe(failure.code);
      throw failure;
    }
    if (reply.err !== undefined && reply.err !== null) {
      const failure = isErrorPayload(reply.err) ? BusError.from(reply.err) : undefined;
      observe(failure?.code ?? ErrorCode.Internal);
      if (failure) throw failure;
      this.logger.error(`Undecodable error reply from ${contract.subject}: ${JSON.stringify(reply.err)}`);
      throw new BusError(ErrorCode.Internal, 'Internal server error');
    }
    observe('ok');
    for (const observe of this.replyObservers) observe(contract, checked.data, reply.response);
    return reply.response as ReplyOf<C>;
  }

  async close(): Promise<void> {
    const nc = this.connection;
    this.connection = undefined;
    this.connecting = undefined;
    this.connected = false;
    if (nc && !nc.isClosed()) await nc.drain().catch(() => nc.close());
  }

  private transportError(subject: string, error: unknown): BusError {
    const failure = natsRequestFailure(error);
    this.logger.warn(`Request ${subject} failed: ${String(failure.cause)}`);
    switch (failure.kind) {
      case 'permissions':
        this.logger.error(`NATS refused ${subject} to ${this.options.app}: permissions violation`);
        return new BusError(ErrorCode.Internal, 'Internal server error');
      case 'timeout':
        return new BusError(ErrorCode.Timeout, 'The service did not answer in time, try again shortly');
      default:
        // No responders, or the connection failed.
        return new BusError(ErrorCode.Unavailable, 'Service temporarily unavailable, try again shortly');
    }
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        this.lostAt ??= Date.now();
        this.logger.warn('Disconnected from NATS; reconnecting');
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.lostAt = null;
        this.logger.log('Reconnected to NATS');
      }
    }
    this.connected = false;
  }
}
