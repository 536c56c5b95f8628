import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { jetstream, StorageType } from '@nats-io/jetstream';
import { KV, KvEntry, Kvm } from '@nats-io/kv';
import { clientGroup, ThrottleCounters } from '@app/contracts';
import { BusClient } from '@app/bus';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { ApiError } from '../errors/api-error';

/** The longest a rate-limit counter may take before the limit is skipped for that request. */
const THROTTLE_TIMEOUT_MS = 1_000;

/**
 * What the gateway limits, and how. `counts: 'requests'` limits every request (a flood of
 * sign-ups, of avatar uploads); `'failures'` limits only what failed (a wrong API token, an
 * invitation link that is not valid), so genuine users behind one address are never refused.
 */
export type ThrottleRule = 'signup' | 'tokenFailure' | 'inviteGuess' | 'avatarUpload';

export interface ThrottleLimit {
  limit: number;
  windowSeconds: number;
}

/** DRF's throttled message. */
const throttled = (seconds: number) =>
  new ApiError(429, `Request was throttled. Expected available in ${seconds} seconds.`, undefined, {
    'Retry-After': String(seconds),
  });

/** How often one counter is retried when replicas race to update it. */
const MAX_CAS_ATTEMPTS = 8;

/**
 * Rate limits shared by every gateway replica: fixed-window counters in the JetStream key-value
 * bucket `gateway-throttle` (declared in the contracts; only the gateway may touch it). A key is
 * the rule, a digest of the client's group (IPv6 by /64) or user, and the window's number; an
 * increment is compare-and-set on the key's revision, so replicas racing each other all count.
 * Nothing here is on the path of a request with a valid credential the read model knows.
 *
 * When the bucket cannot be reached the limit is not applied (and a warning is logged): the rest
 * of the request needs the bus anyway, and a broken counter must not lock genuine users out.
 */
@Injectable()
export class EdgeThrottle {
  private readonly logger = new Logger('EdgeThrottle');
  private kv: Promise<KV> | null = null;

  constructor(
    private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The group a client address counts as (IPv6 by /64). */
  static clientOf(address: string | undefined): string {
    return clientGroup(address);
  }

  /** Counts this request; refuses it (429) when it is over the rule's limit. */
  async hit(rule: ThrottleRule, subject: string): Promise<void> {
    const { limit, windowSeconds } = this.config.throttle[rule];
    const count = await this.safely(() => this.increment(rule, subject));
    if (count !== null && count > limit) throw throttled(this.secondsLeft(windowSeconds));
  }

  /** Refuses (429) when the failures counted in this window reached the limit; counts nothing. */
  async check(rule: ThrottleRule, subject: string): Promise<void> {
    const { limit, windowSeconds } = this.config.throttle[rule];
    const count = await this.safely(async () => {
      const entry = await (await this.bucket()).get(this.key(rule, subject));
      return entry ? countOf(entry) : 0;
    });
    if (count !== null && count >= limit) throw throttled(this.secondsLeft(windowSeconds));
  }

  /** Counts one failure. */
  async fail(rule: ThrottleRule, subject: string): Promise<void> {
    await this.safely(() => this.increment(rule, subject));
  }

  private async increment(rule: ThrottleRule, subject: string): Promise<number> {
    const kv = await this.bucket();
    const key = this.key(rule, subject);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const entry = await kv.get(key);
      const next = (entry ? countOf(entry) : 0) + 1;
      try {
        if (entry && entry.operation === 'PUT') await kv.update(key, String(next), entry.revision);
        else await kv.create(key, String(next));
        return next;
      } catch (error) {
        // Another replica counted first (wrong last sequence): read again and retry.
        if (!/wrong last sequence|key exists/i.test(String(error))) throw error;
      }
    }
    throw new Error(`throttle counter ${rule} kept changing`);
  }

  private key(rule: ThrottleRule, subject: string): string {
    const { windowSeconds } = this.config.throttle[rule];
    const window = Math.floor(Date.now() / 1000 / windowSeconds);
    const digest = createHash('sha256').update(subject).digest('hex').slice(0, 32);
    return `${rule}.${digest}.${window}`;
  }

  private secondsLeft(windowSeconds: number): number {
    const now = Date.now() / 1000;
    return Math.max(1, Math.ceil(windowSeconds - (now % windowSeconds)));
  }

  /**
   * A limit must never hold a request up: without the bus it is skipped at once, and a counter
   * that does not answer within THROTTLE_TIMEOUT_MS is skipped too (logged either way).
   */
  private async safely(work: () => Promise<number>): Promise<number | null> {
    if (!this.bus.isConnected) {
      this.logger.warn('rate limit not applied: the message bus cannot be reached');
      return null;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error('the counter did not answer in time')),
            THROTTLE_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (error) {
      this.logger.warn(`rate limit not applied: ${String(error)}`);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private bucket(): Promise<KV> {
    this.kv ??= this.bus
      .nats()
      .then((nc) =>
        new Kvm(jetstream(nc, { timeout: THROTTLE_TIMEOUT_MS })).create(ThrottleCounters.bucket, {
          history: 1,
          ttl: ThrottleCounters.maxAgeSeconds * 1000,
          storage: StorageType.Memory,
        }),
      )
      .catch((error: unknown) => {
        this.kv = null;
        throw error;
      });
    return this.kv;
  }
}

function countOf(entry: KvEntry): number {
  if (entry.operation !== 'PUT') return 0;
  const value = Number(entry.string());
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}
