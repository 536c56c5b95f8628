import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ProfilesSubjects } from '@app/contracts';
import { BusClient } from '@app/bus';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

/** Pending entries kept while profiles cannot be reached; beyond this, the oldest users are dropped. */
const MAX_PENDING = 100_000;

/**
 * Label Studio's last activity: every unsafe request (POST, PUT, PATCH, DELETE) by an authenticated
 * user moves it to now. Writing it per request would put a database write on every call, so the
 * gateway keeps the newest time per user and sends them to profiles in one message every
 * ACTIVITY_FLUSH_MS (and when it stops). A failed send is retried with the next one.
 */
@Injectable()
export class ActivityRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ActivityRecorder.name);
  private pending = new Map<number, Date>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  record(userId: number, at = new Date()): void {
    const known = this.pending.get(userId);
    if (known && known >= at) return;
    if (!known && this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    this.pending.set(userId, at);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.config.activityFlushMs);
    this.timer.unref();
  }

  /** Before, not on, shutdown: the bus client closes in the shutdown hooks. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Sends what has accumulated; one send at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async send(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const entries = [...batch].map(([userId, at]) => ({ userId, at: at.toISOString() }));
    try {
      await this.bus.request(ProfilesSubjects.recordActivity, { entries });
    } catch (error) {
      // Keep them for the next round, unless newer times arrived meanwhile.
      for (const [userId, at] of batch) this.record(userId, at);
      this.logger.warn(`Last activity of ${entries.length} users not recorded yet: ${String(error)}`);
    }
  }
}
