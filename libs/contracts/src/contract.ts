/**
 * A request/reply message on the bus: its subject and, as phantom types, its payload and reply.
 * Subjects are versioned (`.v1`); an incompatible payload change gets a new subject.
 */
export interface RequestContract<Req, Rep> {
  readonly subject: string;
  readonly kind: 'request';
  /** Phantom fields: never present at run time, only carry the types. */
  readonly __request?: Req;
  readonly __reply?: Rep;
}

/** A durable fact published on JetStream (`<service>.events.<entity>.<past-tense>.v1`). */
export interface EventContract<Payload> {
  readonly subject: string;
  readonly kind: 'event';
  readonly __payload?: Payload;
}

export const request = <Req, Rep>(subject: string): RequestContract<Req, Rep> => ({
  subject,
  kind: 'request',
});
export const event = <Payload>(subject: string): EventContract<Payload> => ({ subject, kind: 'event' });

export type RequestOf<C> = C extends RequestContract<infer Req, unknown> ? Req : never;
export type ReplyOf<C> = C extends RequestContract<unknown, infer Rep> ? Rep : never;
export type PayloadOf<C> = C extends EventContract<infer P> ? P : never;

/** NATS headers carried on every request. */
export const Headers = {
  correlationId: 'x-correlation-id',
  /** Authenticated caller's user id, set by the gateway (or the admin CLI: `admin`). */
  caller: 'x-caller-id',
} as const;

/** Empty request or reply. */
export type Empty = Record<string, never>;
