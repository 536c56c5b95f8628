import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LoginThrottleRepository } from '../auth/login-throttle.repository';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';
import { SessionRepository } from './session.repository';

const SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Expired sessions and finished login windows are already ignored by every query; this only keeps
 * the tables small. Safe on every replica at once (plain deletes of dead rows).
 */
@Injectable()
export class ExpiredRowsSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ExpiredRowsSweeper');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionRepository,
    private readonly throttle: LoginThrottleRepository,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    try {
      const sessions = await this.sessions.deleteExpired();
      const counters = await this.throttle.deleteExpired(this.config.LOGIN_WINDOW_SECONDS);
      if (sessions || counters)
        this.logger.log(`Removed ${sessions} expired sessions, ${counters} login counters`);
    } catch (error) {
      this.logger.warn(`Sweep failed: ${String(error)}`);
    }
  }
}
