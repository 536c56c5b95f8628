import { Injectable } from '@nestjs/common';
import { IdentitySubjects } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';
import { Terminal } from '../cli/terminal';
import { FindUser, refusal } from './find-user';

/**
 * `label-studio deactivate_user` / `activate_user`. An inactive user cannot log in, their sessions
 * end and their token is refused at once; activation lets them back in.
 */
@Injectable()
export class SetUserActiveUseCase {
  constructor(
    private readonly bus: AdminBus,
    private readonly users: FindUser,
    private readonly terminal: Terminal,
  ) {}

  async execute(username: string, active: boolean): Promise<void> {
    const account = await this.users.get(username);
    if (account.isActive === active) {
      this.terminal.result(`User ${account.email} is already ${active ? 'active' : 'inactive'}`, {
        id: account.id,
        email: account.email,
        is_active: active,
        changed: false,
      });
      return;
    }
    try {
      await this.bus.request(IdentitySubjects.setActive, { userId: account.id, active });
    } catch (error) {
      throw refusal(error);
    }
    this.terminal.result(`User ${account.email} ${active ? 'activated' : 'deactivated'}`, {
      id: account.id,
      email: account.email,
      is_active: active,
      changed: true,
    });
  }
}
