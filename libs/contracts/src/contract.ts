import { z, ZodTypeAny } from 'zod';

/**
 * Every identity on the bus. Each connects to NATS with credentials of its own, and what it may
 * send, serve, publish and consume follows from the declarations below: the NATS permissions are
 * generated from them (`permissions.ts`), so a message nobody declared cannot be sent at all.
 * `labeling` is the labeling backend outside this system: it may only publish its own events.
 */
export const BUS_APPS = ['gateway', 'identity', 'invitations', 'profiles', 'admin', 'labeling'] as const;
export type BusApp = (typeof BUS_APPS)[number];

/** Phantom marker for a reply type: `reply: returns<AccountDto>()`. Carries no value at run time. */
export interface Returns<T> {
  readonly __returns?: T;
}
export const returns = <T>(): Returns<T> => ({});

/**
 * A request/reply message on the bus: its subject, its payload's schema (both the typed client and
 * the handler validate against it), who may send it and who serves it. Subjects are versioned
 * (`.v1`); an incompatible payload change gets a new subject.
 *
 * Subjects under `<service>.operator.` are sent only by the operator's CLI (`admin`): NATS refuses
 * them from anyone else, so a service treats a message that arrives there as the operator's. On
 * every other subject the gateway asserts the signed-in user (`x-caller-id`); nobody else may send
 * those, and services still check what that user may touch.
 */
export interface RequestContract<S extends ZodTypeAny = ZodTypeAny, Rep = unknown> {
  readonly kind: 'request';
  readonly subject: string;
  readonly schema: S;
  readonly from: readonly BusApp[];
  readonly servedBy: BusApp;
  readonly reply: Returns<Rep>;
}

export interface RequestDeclaration<S extends ZodTypeAny, Rep> {
  subject: string;
  schema: S;
  reply: Returns<Rep>;
  from: readonly BusApp[];
  servedBy: BusApp;
}

export const request = <S extends ZodTypeAny, Rep>(
  declaration: RequestDeclaration<S, Rep>,
): RequestContract<S, Rep> => {
  const operatorSubject = declaration.subject.split('.')[1] === 'operator';
  const onlyAdmin = declaration.from.length === 1 && declaration.from[0] === 'admin';
  if (operatorSubject !== onlyAdmin) {
    throw new Error(`${declaration.subject}: operator subjects, and only they, are sent by admin alone`);
  }
  return { kind: 'request', ...declaration };
};

/**
 * A JetStream stream: the app that owns it creates it; its subjects are its events'. Events of a
 * `signed` stream are acted on only when one of their contract's publishers signed them.
 */
export interface StreamContract {
  readonly name: string;
  readonly subjects: string;
  readonly owner: BusApp;
  readonly signed: boolean;
}
export const stream = (declaration: StreamContract): StreamContract => declaration;

/**
 * A durable fact published on JetStream (`<service>.events.<entity>.<past-tense>.v1`): its schema,
 * its stream, who may publish it, and each consuming app's durable consumer name (a consumer may
 * only create, read and acknowledge its own).
 */
export interface EventContract<S extends ZodTypeAny = ZodTypeAny> {
  readonly kind: 'event';
  readonly subject: string;
  readonly schema: S;
  readonly stream: StreamContract;
  readonly publishedBy: readonly BusApp[];
  readonly consumers: Readonly<Partial<Record<BusApp, string>>>;
}

export const event = <S extends ZodTypeAny>(
  declaration: Omit<EventContract<S>, 'kind'>,
): EventContract<S> => ({
  kind: 'event',
  ...declaration,
});

/**
 * A JetStream object store that hands large payloads from one app to another: `writers` put and
 * may discard, `readers` get and delete. The bucket's owner (the first writer) creates it.
 */
export interface ObjectStoreContract {
  readonly bucket: string;
  readonly ttlSeconds: number;
  readonly writers: readonly BusApp[];
  readonly readers: readonly BusApp[];
}

/**
 * A read model replicated to other apps through a JetStream key-value bucket: its owner writes one
 * complete, signed value per key (from its outbox, in commit order) and deletes keys that no longer
 * exist; readers keep the whole bucket in memory (rebuilt from it at start, updated by a watch).
 */
export interface KvBucketContract<S extends ZodTypeAny = ZodTypeAny> {
  readonly kind: 'kv';
  readonly bucket: string;
  readonly schema: S;
  readonly owner: BusApp;
  readonly readers: readonly BusApp[];
}
export const kvBucket = <S extends ZodTypeAny>(
  declaration: Omit<KvBucketContract<S>, 'kind'>,
): KvBucketContract<S> => ({ kind: 'kv', ...declaration });
/**
 * Counters shared by every replica of one app (rate limits), in a JetStream key-value bucket that
 * app alone creates, reads and writes; nobody else may even read it. Keys expire after
 * `maxAgeSeconds` (the longest window they count).
 */
export interface CounterBucketContract {
  readonly kind: 'counters';
  readonly bucket: string;
  readonly owner: BusApp;
  readonly maxAgeSeconds: number;
}
export const counterBucket = (declaration: Omit<CounterBucketContract, 'kind'>): CounterBucketContract => ({
  kind: 'counters',
  ...declaration,
});

/** What a reader of a bucket gets for a key, after validation. */
export type KvValueOf<C> = C extends KvBucketContract<infer S> ? z.output<S> : never;

/** What a sender passes (before defaults and transforms). */
export type RequestOf<C> = C extends RequestContract<infer S, unknown> ? z.input<S> : never;
/** What a handler receives after validation. */
export type ParsedRequestOf<C> = C extends RequestContract<infer S, unknown> ? z.output<S> : never;
export type ReplyOf<C> = C extends RequestContract<ZodTypeAny, infer Rep> ? Rep : never;
/** What a publisher passes. */
export type PayloadOf<C> = C extends EventContract<infer S> ? z.input<S> : never;
/** What a consumer receives after validation. */
export type ParsedPayloadOf<C> = C extends EventContract<infer S> ? z.output<S> : never;

/** NATS headers carried on every request. */
export const Headers = {
  correlationId: 'x-correlation-id',
  /**
   * The signed-in user a gateway request acts for. Read only on subjects only the gateway may send
   * (it is the gateway's assertion, never proof by itself); ignored everywhere else.
   */
  caller: 'x-caller-id',
  /**
   * How long the sender waits for the reply, in ms. A service never starts queued work (password
   * hashing) it cannot finish within it: the sender would already have answered 504.
   */
  timeout: 'x-timeout-ms',
} as const;

/** Empty request or reply. */
export type Empty = Record<string, never>;
export const emptySchema = z.object({}).strict();

/** The reply-inbox prefix of an app: it may subscribe to its own inbox only, never another's. */
export const inboxPrefix = (app: BusApp): string => `_INBOX_${app}`;
