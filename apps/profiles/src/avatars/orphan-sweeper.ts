import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SweeperConfig } from '../config';
import { AvatarRepository } from './avatar.repository';
import { AvatarStorage } from './avatar-storage';

export const SWEEPER_CONFIG = Symbol('SWEEPER_CONFIG');

/**
 * Removes avatar objects no profile points at: replaced or cleared while storage was down, left by
 * a crash between storing and claiming, or of deleted accounts. Only orphans older than the grace
 * period go, so an upload in progress is never touched. Safe on every replica at once.
 */
@Injectable()
export class OrphanSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrphanSweeper.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly avatars: AvatarRepository,
    private readonly storage: AvatarStorage,
    @Inject(SWEEPER_CONFIG) private readonly config: SweeperConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.intervalSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Returns how many objects were removed. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let removed = 0;
    try {
      for (const file of await this.avatars.staleOrphans(this.config.graceSeconds, 100)) {
        await this.storage.remove(file);
        await this.avatars.forgetOrphan(file);
        removed += 1;
      }
      if (removed) this.logger.log(`Removed ${removed} avatar objects no profile points at`);
    } catch (error) {
      this.logger.warn(
        `Avatar sweep stopped early: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.running = false;
    }
    return removed;
  }
}
