import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  JsMsg,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { headers as natsHeaders, NatsConnection, nanos } from '@nats-io/transport-node';
import { EventContract, ParsedPayloadOf, PayloadOf, StreamContract } from '@app/contracts';
import { acceptCorrelationId, requestScope } from '@app/logging';
import { watchConsumerLag } from '@app/metrics';
import { BusSettings } from './connection';
import { signatureProblem, signEvent } from './event-signature';

const encoder = new TextEncoder();

/**
 * Creates the stream if it does not exist: only its owner may (NATS refuses anyone else). Facts are
 * never deleted or purged through the API (`deny_delete`, `deny_purge`): a stream made before
 * those were set gets them here.
 */
export async function ensureStream(nc: NatsConnection, spec: StreamContract): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const existing = await jsm.streams.info(spec.name).catch((error: unknown) => {
    if (error instanceof Error && /stream not found/i.test(error.message)) return null;
    throw error;
  });
  if (existing) {
    const { config } = existing;
    if (!config.deny_delete || !config.deny_purge) {
      await jsm.streams.update(spec.name, { ...config, deny_delete: true, deny_purge: true });
    }
    return;
  }
  try {
    await jsm.streams.add({
      name: spec.name,
      subjects: [spec.subjects],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      // Outbox ids are used as message ids: a relay that publishes twice is deduplicated.
      duplicate_window: nanos(10 * 60_000),
      deny_delete: true,
      deny_purge: true,
    });
  } catch (error) {
    // Another replica created it in the meantime.
    await jsm.streams.info(spec.name).catch(() => {
      throw error;
    });
  }
}

export type EventHandler<C extends EventContract> = (payload: ParsedPayloadOf<C>) => Promise<void>;

export interface DurableSubscription {
  stop(): Promise<void>;
}

/**
 * Consumes facts durably: the app's own named JetStream consumer (declared in the contract)
 * remembers what was acknowledged, so a service that was down catches up on start. Payloads are
 * validated against the contract: a malformed one can never succeed, so it is logged and skipped.
 * Handlers must be idempotent (delivery is at least once); a failing handler's message is
 * redelivered after a pause. The stream is its owner's to create: until it exists (its owner not
 * started yet) the consumer keeps trying in the background.
 */
export async function consumeDurably<C extends EventContract>(
  nc: NatsConnection,
  consumer: Pick<BusSettings, 'app' | 'publicKeys'>,
  contract: C,
  handler: EventHandler<C>,
): Promise<DurableSubscription> {
  const app = consumer.app;
  const durableName = contract.consumers[app];
  if (!durableName) throw new Error(`${app} is not declared as a consumer of ${contract.subject}`);
  const spec = contract.stream;
  const logger = new Logger(`Consumer(${durableName})`);
  if (spec.signed && !contract.publishedBy.some((publisher) => consumer.publicKeys?.[publisher])) {
    throw new Error(
      `${app} cannot check who signed ${contract.subject}: NATS_PUBLIC_KEYS_FILE names no key of ${contract.publishedBy.join(', ')}`,
    );
  }
  let stopped = false;
  let current: { close(): Promise<void | Error> } | undefined;

  const handle = async (msg: JsMsg) => {
    const correlationId = acceptCorrelationId(msg.headers?.get('x-correlation-id'));
    await requestScope.run({ correlationId }, async () => {
      if (spec.signed) {
        const problem = signatureProblem(
          contract.publishedBy,
          consumer.publicKeys ?? {},
          msg.headers,
          msg.subject,
          msg.data,
        );
        if (problem) {
          // Not written by its publisher: something aimed a reply at this stream (see signEvent).
          logger.warn(
            { subject: msg.subject, seq: msg.seq, problem },
            'Event not signed by its publisher: ignored',
          );
          msg.ack();
          return;
        }
      }
      let decoded: unknown;
      try {
        decoded = msg.json();
      } catch {
        // Not JSON: no retry can make it succeed.
        logger.warn({ subject: msg.subject, seq: msg.seq }, 'Undecodable event skipped');
        msg.ack();
        return;
      }
      const payload = parseEvent(contract, decoded, logger);
      if (payload === undefined) {
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

  let created = false;
  let lastProblem = '';
  const loop = async () => {
    while (!stopped) {
      try {
        if (!created) {
          if (spec.owner === app) await ensureStream(nc, spec);
          const jsm = await jetstreamManager(nc);
          await jsm.consumers.add(spec.name, {
            durable_name: durableName,
            ack_policy: AckPolicy.Explicit,
            deliver_policy: DeliverPolicy.All,
            filter_subject: contract.subject,
            ack_wait: nanos(30_000),
          });
          created = true;
        }
        const consumer = await jetstream(nc).consumers.get(spec.name, durableName);
        watchConsumerLag(spec.name, durableName, async () => (await consumer.info()).num_pending);
        const messages = await consumer.consume({ max_messages: 64 });
        current = messages;
        for await (const msg of messages) await handle(msg);
      } catch (error) {
        if (stopped || nc.isClosed()) return;
        const problem = String(error);
        // The stream is its owner's to create: until it exists, say so once and keep trying.
        if (problem !== lastProblem) logger.warn(`Consumer interrupted (${problem}); resuming`);
        lastProblem = problem;
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

/**
 * Publishes one event to JetStream; `msgID` makes a repeated publish a no-op. The payload is
 * checked against the contract first (a publisher never sends what consumers would skip).
 */
export async function publishEvent<C extends EventContract>(
  nc: NatsConnection,
  publisher: Pick<BusSettings, 'seed'>,
  contract: C,
  payload: PayloadOf<C> | unknown,
  msgID: string,
  correlationId?: string,
): Promise<PublishedEvent> {
  const checked = contract.schema.safeParse(payload);
  if (!checked.success) {
    throw new Error(`${contract.subject}: payload does not match its contract (${checked.error.message})`);
  }
  const h = natsHeaders();
  if (correlationId) h.set('x-correlation-id', correlationId);
  const data = encoder.encode(JSON.stringify(payload));
  signEvent(h, publisher.seed, contract.subject, msgID, data);
  const ack = await jetstream(nc).publish(contract.subject, data, { msgID, headers: h });
  return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}

/**
 * Validates a consumed event against its contract. A malformed one can never succeed: it is logged
 * and skipped (so acknowledged) instead of being redelivered forever.
 */
export function parseEvent<C extends EventContract>(
  contract: C,
  payload: unknown,
  logger: Logger,
): ParsedPayloadOf<C> | undefined {
  const result = contract.schema.safeParse(payload);
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

  constructor(private readonly consumer: Pick<BusSettings, 'app' | 'publicKeys'>) {}

  get started(): boolean {
    return this.subscriptions.length > 0;
  }

  async add<C extends EventContract>(
    nc: NatsConnection,
    contract: C,
    handler: EventHandler<C>,
  ): Promise<void> {
    this.subscriptions.push(await consumeDurably(nc, this.consumer, contract, handler));
  }

  async stop(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
  }
}
