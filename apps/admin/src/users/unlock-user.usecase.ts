import { Injectable } from '@nestjs/common';
import { IdentitySubjects } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';
import { Terminal } from '../cli/terminal';
import { refusal } from './find-user';

/**
 * `label-studio unlock_user`: ends the growing login delays on an account from every client at
 * once (the owner forgot their password many times, or someone guessed at it).
 */
@Injectable()
export class UnlockUserUseCase {
  constructor(
    private readonly bus: AdminBus,
    private readonly terminal: Terminal,
  ) {}

  async execute(username: string): Promise<void> {
    let cleared: number;
    try {
      ({ cleared } = await this.bus.request(IdentitySubjects.unlockAccount, { email: username }));
    } catch (error) {
      throw refusal(error);
    }
    this.terminal.result(
      cleared > 0 ? `User ${username} unlocked` : `User ${username} has no login delays to clear`,
      { email: username, unlocked: cleared > 0 },
    );
  }
}
