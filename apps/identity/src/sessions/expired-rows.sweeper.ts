import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '@app/database';
import { LoginThrottleRepository } from '../auth/login-throttle.repository';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';
import { recordAuthChange } from '../read-model/auth-user.projection';
import { SessionRepository } from './session.repository';

const SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Expired sessions and finished login windows are already ignored by every query; this only keeps
 * the tables small, and the gateway's read model (`auth-users`), whose users lose the sessions
 * swept, in step. Safe on every replica at once (plain deletes of dead rows).
 */
@Injectable()
export class ExpiredRowsSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ExpiredRowsSweeper');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionRepository,
    private readonly throttle: LoginThrottleRepository,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
    private readonly relay: OutboxRelay,
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
      const owners = await this.dataSource.transaction(async (manager) => {
        const users = await this.sessions.deleteExpired(manager);
        for (let i = 0; i < users.length; i += 1000) {
          await recordAuthChange(manager, ...users.slice(i, i + 1000));
        }
        return users;
      });
      if (owners.length) this.relay.kick();
      const sessions = owners.length;
      const counters = await this.throttle.deleteExpired(this.config.LOGIN_WINDOW_SECONDS);
      if (sessions || counters)
        this.logger.log(`Removed expired sessions of ${sessions} users, ${counters} login counters`);
    } catch (error) {
      this.logger.warn(`Sweep failed: ${String(error)}`);
    }
  }
}
