import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  headers as natsHeaders,
  JSONCodec,
  JsMsg,
  NatsConnection,
  nanos,
  RetentionPolicy,
  StorageType,
} from 'nats';
import { z, ZodTypeAny } from 'zod';
import { EventContract, PayloadOf } from '@app/contracts';
import { acceptCorrelationId, requestScope } from '@app/logging';

const codec = JSONCodec<unknown>();

export interface StreamSpec {
  stream: string;
  subjects: string;
}

/** Creates the stream if it does not exist (every publisher and consumer may call it). */
export async function ensureStream(nc: NatsConnection, spec: StreamSpec): Promise<void> {
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(spec.stream);
  } catch {
    try {
      await jsm.streams.add({
        name: spec.stream,
        subjects: [spec.subjects],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        // Outbox ids are used as message ids: a relay that publishes twice is deduplicated.
        duplicate_window: nanos(10 * 60_000),
      });
    } catch (error) {
      // Another replica created it in the meantime.
      await jsm.streams.info(spec.stream).catch(() => {
        throw error;
      });
    }
  }
}

export type EventHandler<C extends EventContract<unknown>> = (payload: PayloadOf<C>) => Promise<void>;

export interface DurableSubscription {
  stop(): Promise<void>;
}

/**
 * Consumes facts durably: a named JetStream consumer remembers what was acknowledged, so a
 * service that was down catches up on start. Handlers must be idempotent (delivery is at least once);
 * a failing handler's message is redelivered after a pause.
 */
export async function consumeDurably<C extends EventContract<unknown>>(
  nc: NatsConnection,
  spec: StreamSpec,
  durableName: string,
  contract: C,
  handler: EventHandler<C>,
): Promise<DurableSubscription> {
  const logger = new Logger(`Consumer(${durableName})`);
  await ensureStream(nc, spec);
  const jsm = await nc.jetstreamManager();
  await jsm.consumers.add(spec.stream, {
    durable_name: durableName,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: contract.subject,
    ack_wait: nanos(30_000),
  });
  let stopped = false;
  let current: { close(): Promise<void | Error> } | undefined;

  const handle = async (msg: JsMsg) => {
    const correlationId = acceptCorrelationId(msg.headers?.get('x-correlation-id'));
    await requestScope.run({ correlationId }, async () => {
      let payload: PayloadOf<C>;
      try {
        payload = codec.decode(msg.data) as PayloadOf<C>;
      } catch {
        // Not JSON: no retry can make it succeed (schema failures are handled by parseEvent).
        logger.warn({ subject: msg.subject, seq: msg.seq }, 'Undecodable event skipped');
        msg.ack();
        return;
      }
      try {
        await handler(payload);
        msg.ack();
      } catch (error) {
        logger.error({ err: error, subject: msg.subject, seq: msg.seq }, 'Event handler failed; will retry');
        msg.nak(2_000);
      }
    });
  };

  const loop = async () => {
    while (!stopped) {
      try {
        const consumer = await nc.jetstream().consumers.get(spec.stream, durableName);
        const messages = await consumer.consume({ max_messages: 64 });
        current = messages;
        for await (const msg of messages) await handle(msg);
      } catch (error) {
        if (stopped || nc.isClosed()) return;
        logger.warn(`Consumer interrupted (${String(error)}); resuming`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  };
  void loop();

  return {
    stop: async () => {
      stopped = true;
      await current?.close();
    },
  };
}

/** Where a published event landed; `duplicate` when JetStream already had that message id. */
export interface PublishedEvent {
  stream: string;
  seq: number;
  duplicate: boolean;
}

/** Publishes one event to JetStream; `msgID` makes a repeated publish a no-op. */
export async function publishEvent(
  nc: NatsConnection,
  subject: string,
  payload: unknown,
  msgID: string,
  correlationId?: string,
): Promise<PublishedEvent> {
  const h = natsHeaders();
  if (correlationId) h.set('x-correlation-id', correlationId);
  const ack = await nc.jetstream().publish(subject, codec.encode(payload), { msgID, headers: h });
  return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}

/**
 * Validates a consumed event. A malformed one can never succeed: it is logged and skipped (so
 * acknowledged) instead of being redelivered forever.
 */
export function parseEvent<S extends ZodTypeAny>(
  schema: S,
  payload: unknown,
  contract: EventContract<unknown>,
  logger: Logger,
): z.infer<S> | undefined {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  logger.warn({ subject: contract.subject, issues: result.error.issues }, 'Malformed event skipped');
  return undefined;
}

/**
 * The durable consumers one service runs on one stream: started together, stopped together
 * (before the bus drains, so no message is taken that could not be acknowledged).
 */
export class DurableConsumerGroup {
  private subscriptions: DurableSubscription[] = [];

  constructor(private readonly spec: StreamSpec) {}

  get started(): boolean {
    return this.subscriptions.length > 0;
  }

  async add<C extends EventContract<unknown>>(
    nc: NatsConnection,
    durableName: string,
    contract: C,
    handler: EventHandler<C>,
  ): Promise<void> {
    this.subscriptions.push(await consumeDurably(nc, this.spec, durableName, contract, handler));
  }

  async stop(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
  }
}
