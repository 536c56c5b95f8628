import { Injectable } from '@nestjs/common';
import { IdentitySubjects } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';
import { Terminal } from '../cli/terminal';
import { FindUser, refusal } from './find-user';

/** `label-studio reset_token`: a new legacy token; the old one is refused from now on. Prints the new one. */
@Injectable()
export class ResetUserTokenUseCase {
  constructor(
    private readonly bus: AdminBus,
    private readonly users: FindUser,
    private readonly terminal: Terminal,
  ) {}

  async execute(username: string): Promise<void> {
    const account = await this.users.get(username);
    try {
      const { token } = await this.bus.request(IdentitySubjects.resetToken, { userId: account.id });
      this.terminal.result(token, { id: account.id, email: account.email, token });
    } catch (error) {
      throw refusal(error);
    }
  }
}
