import { Injectable } from '@nestjs/common';
import { IdentitySubjects } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';
import { Terminal } from '../cli/terminal';
import { FindUser, refusal } from './find-user';

export interface ResetPasswordInput {
  username?: string;
  password?: string;
}

/**
 * `label-studio reset_password`: Label Studio's questions and messages. Identity applies the
 * signup policy and ends every session of the user.
 */
@Injectable()
export class ResetPasswordUseCase {
  constructor(
    private readonly bus: AdminBus,
    private readonly users: FindUser,
    private readonly terminal: Terminal,
  ) {}

  async execute(input: ResetPasswordInput): Promise<void> {
    const username = input.username ?? (await this.terminal.ask('Username: '));
    const account = await this.users.get(username);
    const password = input.password ?? (await this.terminal.askHidden('New password:'));
    try {
      await this.bus.request(IdentitySubjects.setPassword, { userId: account.id, password });
    } catch (error) {
      throw refusal(error);
    }
    this.terminal.result('Password successfully changed', {
      id: account.id,
      email: account.email,
      password_changed: true,
    });
  }
}
