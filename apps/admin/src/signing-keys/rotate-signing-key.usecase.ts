import { Injectable } from '@nestjs/common';
import { IdentitySubjects } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';
import { Terminal } from '../cli/terminal';
import { refusal } from '../users/find-user';

/** `label-studio rotate_signing_key`: prints the new key's id, when it starts signing, and the keys retired. */
@Injectable()
export class RotateSigningKeyUseCase {
  constructor(
    private readonly bus: AdminBus,
    private readonly terminal: Terminal,
  ) {}

  async execute(): Promise<void> {
    try {
      const reply = await this.bus.request(IdentitySubjects.rotateSigningKey, {});
      const retired = reply.retired.length ? `; retired: ${reply.retired.join(', ')}` : '';
      this.terminal.result(`New signing key ${reply.kid}, signing from ${reply.activeFrom}${retired}`, {
        kid: reply.kid,
        active_from: reply.activeFrom,
        retired: reply.retired,
      });
    } catch (error) {
      throw refusal(error);
    }
  }
}
