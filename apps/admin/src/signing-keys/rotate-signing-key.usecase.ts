import { Injectable } from '@nestjs/common';
import { IdentitySubjects } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';
import { jsonLine } from '../cli/json-line';
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
      this.terminal.out(jsonLine({ kid: reply.kid, active_from: reply.activeFrom, retired: reply.retired }));
    } catch (error) {
      throw refusal(error);
    }
  }
}
