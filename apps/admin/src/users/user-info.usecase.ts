import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, IdentitySubjects, InvitationsSubjects, ProfilesSubjects } from '@app/contracts';
import { BusError } from '@app/bus';
import { renderUser, UserJson } from '@app/representation';
import { AdminBus } from '../bus/admin-bus';
import { ADMIN_CONFIG, AdminConfig } from '../config';
import { FindUser } from './find-user';

/** Whether the user has a valid personal access token (never the token itself). */
export interface PersonalAccessTokenInfo {
  exists: boolean;
  created_at: string | null;
  expires_at: string | null;
}

/**
 * `label-studio user`: Label Studio's user representation plus the legacy token, whether a
 * personal access token exists, and a status.
 */
export type UserInfo = UserJson & {
  token: string | null;
  personal_access_token: PersonalAccessTokenInfo;
  status: 'ok';
};

@Injectable()
export class UserInfoUseCase {
  constructor(
    private readonly bus: AdminBus,
    private readonly users: FindUser,
    @Inject(ADMIN_CONFIG) private readonly config: AdminConfig,
  ) {}

  /** Null when no account has that email. */
  async execute(username: string): Promise<UserInfo | null> {
    const account = await this.users.find(username);
    if (!account) return null;
    const [token, profiles, context, pat] = await Promise.all([
      this.bus.request(IdentitySubjects.getToken, { userId: account.id }).then(
        (reply) => reply.token,
        (error: unknown) => {
          if (error instanceof BusError && error.code === ErrorCode.NotFound) return null;
          throw error;
        },
      ),
      this.bus.request(ProfilesSubjects.listProfiles, { userIds: [account.id] }),
      this.bus.request(InvitationsSubjects.getContext, { userId: account.id }),
      this.bus.request(IdentitySubjects.patStatus, { userId: account.id }),
    ]);
    const user = renderUser(account, profiles[0], context, { publicHost: this.config.publicHost });
    const personalAccessToken = {
      exists: pat.valid > 0,
      created_at: pat.newestCreatedAt,
      expires_at: pat.newestExpiresAt,
    };
    return { ...user, token, personal_access_token: personalAccessToken, status: 'ok' };
  }
}
