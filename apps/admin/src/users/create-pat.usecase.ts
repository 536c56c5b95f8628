import { Injectable } from '@nestjs/common';
import { IdentitySubjects } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';
import { Terminal } from '../cli/terminal';
import { FindUser, refusal } from './find-user';

/**
 * `label-studio create_pat`: a new personal access token for automation, printed once. While the
 * user has a valid one it is refused (as the API does), unless `--replace` revokes it first.
 */
@Injectable()
export class CreatePatUseCase {
  constructor(
    private readonly bus: AdminBus,
    private readonly users: FindUser,
    private readonly terminal: Terminal,
  ) {}

  async execute(username: string, replace: boolean): Promise<void> {
    const account = await this.users.get(username);
    try {
      const { token } = await this.bus.request(IdentitySubjects.createPat, { userId: account.id, replace });
      this.terminal.result(token, { id: account.id, email: account.email, token });
    } catch (error) {
      throw refusal(error);
    }
  }
}
