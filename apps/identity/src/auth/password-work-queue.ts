import { Logger } from '@nestjs/common';
import { ErrorCode } from '@app/contracts';
import { ServiceError } from '@app/bus';
import { currentDeadline } from '@app/logging';
import { passwordHashQueueDepth, passwordHashQueueWait, passwordHashRefused } from '@app/metrics';

export interface PasswordQueueStats {
  concurrency: number;
  running: number;
  queued: number;
  /** Moving average of one hash or comparison, in ms. */
  averageWorkMs: number;
  /** What a request arriving now would wait before its work starts, in ms. */
  predictedWaitMs: number;
  maxWaitMs: number;
  /** Since start: work done, and requests answered at once because the wait would be too long. */
  completed: number;
  refused: number;
  /** The longest time a request waited in the queue, since start. */
  longestWaitMs: number;
}

/** Time kept back from the sender's deadline for what follows the hash (a transaction, the reply). */
const REPLY_MARGIN_MS = 1_000;

export const PASSWORD_BUSY_MESSAGE = 'Too many sign-ins at once. Try again shortly.';

/**
 * bcrypt is CPU work of a fixed cost: more of it at once than there are cores only makes every
 * request slower. At most `concurrency` run; the rest wait in order. A request is admitted only
 * when its predicted wait (queue position x average work time) fits both the configured maximum
 * and what is left of its sender's patience; otherwise it is answered at once with UNAVAILABLE and
 * a Retry-After, and no work is done for it. A request whose sender gave up while it waited is
 * dropped before its work starts.
 */
export class PasswordWorkQueue {
  private readonly logger = new Logger('PasswordQueue');
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  private averageMs: number;
  private completed = 0;
  private refused = 0;
  private longestWaitMs = 0;

  constructor(
    readonly concurrency: number,
    readonly maxWaitMs: number,
    initialAverageMs = 100,
  ) {
    this.averageMs = initialAverageMs;
  }

  stats(): PasswordQueueStats {
    return {
      concurrency: this.concurrency,
      running: this.running,
      queued: this.waiting.length,
      averageWorkMs: Math.round(this.averageMs),
      predictedWaitMs: Math.round(this.predictedWait()),
      maxWaitMs: this.maxWaitMs,
      completed: this.completed,
      refused: this.refused,
      longestWaitMs: this.longestWaitMs,
    };
  }

  /** Starts the average from a measured duration (the start-up hash). */
  calibrate(durationMs: number): void {
    this.averageMs = Math.max(1, durationMs);
  }

  private observe(durationMs: number): void {
    this.averageMs = this.averageMs * 0.8 + durationMs * 0.2;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const deadline = currentDeadline();
    const predicted = this.predictedWait();
    const allowed = this.allowedWait(deadline);
    if (predicted > allowed) {
      this.refused++;
      passwordHashRefused.inc();
      const retryAfter = Math.max(1, Math.ceil(predicted / 1000));
      this.logger.warn(
        {
          queued: this.waiting.length,
          running: this.running,
          predictedWaitMs: Math.round(predicted),
          allowedWaitMs: allowed,
        },
        'Password work refused: the queue is longer than a request may wait',
      );
      throw new ServiceError(ErrorCode.Unavailable, PASSWORD_BUSY_MESSAGE, undefined, retryAfter);
    }
    const enqueuedAt = Date.now();
    await this.slot();
    const waited = Date.now() - enqueuedAt;
    this.longestWaitMs = Math.max(this.longestWaitMs, waited);
    passwordHashQueueWait.observe(waited / 1000);
    if (deadline !== undefined && Date.now() + this.averageMs + REPLY_MARGIN_MS > deadline) {
      // The prediction was too kind (work got slower): the sender stops waiting before this could
      // finish, so it is not started at all.
      this.release();
      this.refused++;
      passwordHashRefused.inc();
      this.logger.warn({ waitedMs: waited }, 'Password work dropped: its sender would no longer wait for it');
      throw new ServiceError(ErrorCode.Unavailable, PASSWORD_BUSY_MESSAGE, undefined, 1);
    }
    if (waited >= 1_000) {
      this.logger.log({ waitedMs: waited, queued: this.waiting.length }, 'Password work waited in the queue');
    }
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.observe(Date.now() - started);
      this.completed++;
      this.release();
    }
  }

  /** Queue position x average work time, spread over the slots. */
  private predictedWait(): number {
    const ahead = this.running + this.waiting.length - this.concurrency + 1;
    return ahead <= 0 ? 0 : Math.ceil(ahead / this.concurrency) * this.averageMs;
  }

  private allowedWait(deadline: number | undefined): number {
    if (deadline === undefined) return this.maxWaitMs;
    return Math.min(this.maxWaitMs, deadline - Date.now() - this.averageMs - REPLY_MARGIN_MS);
  }

  private slot(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      passwordHashQueueDepth.set(this.waiting.length);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    passwordHashQueueDepth.set(this.waiting.length);
    if (next) next();
    else this.running--;
  }
}
