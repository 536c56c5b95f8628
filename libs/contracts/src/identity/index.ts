import { event, request, Empty } from '../contract';
import { AccountDto, IsoDate } from '../users';

export type AuthMethod = 'session' | 'token';

/** The authenticated caller as the gateway sees it. */
export interface PrincipalDto {
  userId: number;
  email: string;
  method: AuthMethod;
  /** The caller's account, read by the same query that checked the credential (saves a hop). */
  account: AccountDto;
}

export interface RegisterRequest {
  email: string;
  password: string;
  allowNewsletters?: boolean | null;
  /** Organization chosen by invitations' signup decision; null: join the first one or found it. */
  organizationId: number | null;
  clientIp?: string;
  /** Also open a web session (web signup logs the new user in). */
  openSession?: boolean;
}
export interface SessionDto {
  /** The opaque value for the `sessionid` cookie. Only its digest is stored. */
  key: string;
  expiresAt: IsoDate;
  persistent: boolean;
}
export interface RegisterReply {
  account: AccountDto;
  session: SessionDto | null;
}

/** `POST /api/users/`: an account without a password (cannot log in until one is set). */
export interface CreateAccountRequest {
  email: string;
  username: string;
  organizationId: number;
}

export interface LoginRequest {
  email: string;
  password: string;
  persistent: boolean;
  clientIp?: string;
}
export interface LoginReply {
  account: AccountDto;
  session: SessionDto;
}

export interface TokenAuthRequest {
  key: string;
}
export interface SessionAuthRequest {
  key: string;
}
export interface LogoutRequest {
  key: string;
}

export interface UserIdRequest {
  userId: number;
}
export interface UserIdsRequest {
  userIds: number[];
}
export interface TokenReply {
  token: string;
}
export interface UpdateAccountRequest {
  userId: number;
  username?: string;
}

export interface UserRegisteredEvent {
  userId: number;
  email: string;
  username: string;
  allowNewsletters: boolean | null;
  organizationId: number | null;
  /** Accounts made by `POST /api/users/` join the caller's organization but keep no active one. */
  setActiveOrganization: boolean;
  occurredAt: IsoDate;
}
export interface UserDeletedEvent {
  userId: number;
  occurredAt: IsoDate;
}
export interface UserLoggedInEvent {
  userId: number;
  occurredAt: IsoDate;
}

export interface FindAccountRequest {
  email: string;
}
export interface ListAllAccountsRequest {
  offset: number;
  limit: number;
}
/**
 * Operator account creation (`label-studio create_user` / `start --username`, and the bootstrap
 * account from LABEL_STUDIO_USERNAME): idempotent — an existing account is left as it is.
 */
export interface ProvisionAccountRequest {
  email: string;
  password: string;
  /** At least 5 characters; none: one is generated. */
  token?: string;
}
export interface ProvisionAccountReply {
  account: AccountDto;
  created: boolean;
}
export interface SetPasswordRequest {
  userId: number;
  password: string;
}
export interface SetActiveRequest {
  userId: number;
  active: boolean;
}

export const IdentitySubjects = {
  register: request<RegisterRequest, RegisterReply>('identity.account.register.v1'),
  createAccount: request<CreateAccountRequest, AccountDto>('identity.account.create.v1'),
  login: request<LoginRequest, LoginReply>('identity.auth.login.v1'),
  authenticateToken: request<TokenAuthRequest, PrincipalDto>('identity.auth.token.v1'),
  authenticateSession: request<SessionAuthRequest, PrincipalDto>('identity.auth.session.v1'),
  logout: request<LogoutRequest, Empty>('identity.session.revoke.v1'),
  getAccount: request<UserIdRequest, AccountDto>('identity.account.get.v1'),
  listAccounts: request<UserIdsRequest, AccountDto[]>('identity.account.list.v1'),
  updateAccount: request<UpdateAccountRequest, AccountDto>('identity.account.update.v1'),
  deleteAccount: request<UserIdRequest, Empty>('identity.account.delete.v1'),
  getToken: request<UserIdRequest, TokenReply>('identity.token.get.v1'),
  resetToken: request<UserIdRequest, TokenReply>('identity.token.reset.v1'),
  findAccount: request<FindAccountRequest, AccountDto>('identity.account.find.v1'),
  listAllAccounts: request<ListAllAccountsRequest, AccountDto[]>('identity.account.list-all.v1'),
  provisionAccount: request<ProvisionAccountRequest, ProvisionAccountReply>('identity.account.provision.v1'),
  /** Same policy as signup; fails when equal to the current one; ends the user's sessions. */
  setPassword: request<SetPasswordRequest, Empty>('identity.account.set-password.v1'),
  /** Deactivation ends the user's sessions; tokens of inactive users are refused. */
  setActive: request<SetActiveRequest, AccountDto>('identity.account.set-active.v1'),
} as const;

export const IdentityEvents = {
  stream: 'IDENTITY',
  subjects: 'identity.events.>',
  userRegistered: event<UserRegisteredEvent>('identity.events.user.registered.v1'),
  userDeleted: event<UserDeletedEvent>('identity.events.user.deleted.v1'),
  userLoggedIn: event<UserLoggedInEvent>('identity.events.user.logged-in.v1'),
} as const;
