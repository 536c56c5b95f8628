import { Controller, Get } from '@nestjs/common';
import { PasswordHasher } from './password-hasher';
import { PasswordQueueStats } from './password-work-queue';

/**
 * The password queue as numbers on the health port (next to the probes, never on the public
 * gateway): how much work runs and waits, the wait a request arriving now would have, and how many
 * were refused because of it.
 */
@Controller('health')
export class PasswordQueueController {
  constructor(private readonly hasher: PasswordHasher) {}

  @Get('password-queue')
  stats(): PasswordQueueStats {
    return this.hasher.queueStats();
  }
}
