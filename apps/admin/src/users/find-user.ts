import { Injectable } from '@nestjs/common';
import { AccountDto, ErrorCode, IdentitySubjects } from '@app/contracts';
import { BusError } from '@app/bus';
import { AdminBus } from '../bus/admin-bus';
import { CliError } from '../cli/cli-error';

/** Label Studio's wording when a command names a user that does not exist. */
export const userNotFound = (username: string) => new CliError(`User with username ${username} not found`);

/** The operator names users by their email (Label Studio's `--username`). */
@Injectable()
export class FindUser {
  constructor(private readonly bus: AdminBus) {}

  /** The account, or null when there is none with that email. */
  async find(username: string): Promise<AccountDto | null> {
    try {
      return await this.bus.request(IdentitySubjects.findAccount, { email: username });
    } catch (error) {
      if (error instanceof BusError && error.code === ErrorCode.NotFound) return null;
      throw error;
    }
  }

  async get(username: string): Promise<AccountDto> {
    const account = await this.find(username);
    if (!account) throw userNotFound(username);
    return account;
  }
}

/**
 * A service's refusal as the one line the operator reads: validation messages are Label Studio's
 * own sentences and print as they are; anything else gets the `error: ` prefix. (Transport
 * failures were already turned into lines by AdminBus.)
 */
export function refusal(error: unknown): unknown {
  if (!(error instanceof BusError)) return error;
  return new CliError(error.code === ErrorCode.ValidationFailed ? error.message : `error: ${error.message}`);
}
