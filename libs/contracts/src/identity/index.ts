import { z } from 'zod';
import { emptySchema, Empty, event, request, returns, stream } from '../contract';
import { clientIpSchema, idSchema, isoDateSchema, normalisedEmailSchema, userIdListSchema } from '../schemas';
import { AccountDto, IsoDate } from '../users';

export type AuthMethod = 'session' | 'token' | 'jwt';

/** The authenticated caller as the gateway sees it. */
export interface PrincipalDto {
  userId: number;
  email: string;
  method: AuthMethod;
  /** The caller's account, read by the same query that checked the credential (saves a hop). */
  account: AccountDto;
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
/** Label Studio's one message for unknown user, wrong password, inactive account and missing fields. */
export const LOGIN_FAILED_MESSAGE = "The email and password you entered don't match.";

export interface LoginReply {
  account: AccountDto;
  session: SessionDto;
}
export interface TokenReply {
  token: string;
}
/** A personal access token as its owner may see it again: never the signature. */
export interface PersonalAccessTokenDto {
  /** `header.payload` of the JWT (Label Studio's truncated token). */
  token: string;
  createdAt: IsoDate;
  expiresAt: IsoDate;
}
export interface AccessTokenReply {
  access: string;
}
export interface RefreshTokenReply {
  refresh: string;
}
/** What the operator sees of a user's personal access tokens (never a token). */
export interface PersonalAccessTokenStatusDto {
  valid: number;
  newestCreatedAt: IsoDate | null;
  newestExpiresAt: IsoDate | null;
}
export interface SigningKeyRotationReply {
  kid: string;
  activeFrom: IsoDate;
  retired: string[];
}
export interface UnlockAccountReply {
  /** How many login counters of the account were cleared (0: it was not delayed). */
  cleared: number;
}
export interface ProvisionAccountReply {
  account: AccountDto;
  created: boolean;
}

// Strings are left loose where the use-cases answer with Label Studio's own field messages.
const registerSchema = z.object({
  email: z.string().nullish(),
  password: z.string().nullish(),
  allowNewsletters: z.boolean().nullish(),
  /** Organization chosen by invitations' signup decision; null: join the first one or found it. */
  organizationId: idSchema.nullable(),
  clientIp: clientIpSchema,
  /** Also open a web session (web signup logs the new user in). */
  openSession: z.boolean().optional(),
  /** The signup ticket invitations issued; carried in `user.registered` so the membership claims it. */
  ticket: z.string().uuid().optional(),
});
export type RegisterRequest = z.input<typeof registerSchema>;

/** `POST /api/users/`: an account without a password (cannot log in until one is set). */
const createAccountSchema = z.object({
  email: z.string().nullish(),
  username: z.string().nullish(),
  organizationId: idSchema,
});

const loginSchema = z.object({
  email: z.string().nullish(),
  password: z.string().nullish(),
  persistent: z.boolean().optional().default(false),
  clientIp: clientIpSchema,
});

/** Any value is accepted here: a malformed key is an authentication failure, not a 400. */
const credentialSchema = z.object({ key: z.unknown() });

const userIdSchema = z.object({ userId: idSchema });
const userIdsSchema = z.object({ userIds: userIdListSchema });
const updateAccountSchema = z.object({ userId: idSchema, username: z.string().nullish() });

/** Any string: an address that cannot exist simply matches no account. */
const findAccountSchema = z.object({ email: z.string() });
const listAllAccountsSchema = z.object({
  offset: z.number().int().min(0).max(2_147_483_647),
  limit: z.number().int().min(1).max(1000),
});
/**
 * Operator account creation (`label-studio create_user` / `start --username`, and the bootstrap
 * account from LABEL_STUDIO_USERNAME): idempotent — an existing account is left as it is. The
 * use-case answers bad values with Label Studio's messages; only the types are checked here.
 */
const provisionAccountSchema = z.object({
  email: z.string(),
  password: z.string(),
  /** At least 5 characters; none: one is generated. */
  token: z.string().optional(),
});
export type ProvisionAccountRequest = z.input<typeof provisionAccountSchema>;
const setPasswordSchema = z.object({ userId: idSchema, password: z.string() });
const setActiveSchema = z.object({ userId: idSchema, active: z.boolean() });

/** A personal access token as a client sent it: any value, judged by identity (a bad one is refused, not a 400). */
const refreshSchema = z.object({ refresh: z.unknown() });
const operatorCreatePatSchema = z.object({
  userId: idSchema,
  /** Revoke the user's valid tokens first instead of refusing while one exists. */
  replace: z.boolean().default(false),
});

const IDENTITY = ['identity'] as const;

export const IdentitySubjects = {
  register: request({
    subject: 'identity.account.register.v1',
    schema: registerSchema,
    reply: returns<RegisterReply>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  createAccount: request({
    subject: 'identity.account.create.v1',
    schema: createAccountSchema,
    reply: returns<AccountDto>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  login: request({
    subject: 'identity.auth.login.v1',
    schema: loginSchema,
    reply: returns<LoginReply>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  authenticateToken: request({
    subject: 'identity.auth.token.v1',
    schema: credentialSchema,
    reply: returns<PrincipalDto>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  authenticateSession: request({
    subject: 'identity.auth.session.v1',
    schema: credentialSchema,
    reply: returns<PrincipalDto>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  logout: request({
    subject: 'identity.session.revoke.v1',
    schema: credentialSchema,
    reply: returns<Empty>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  getAccount: request({
    subject: 'identity.account.get.v1',
    schema: userIdSchema,
    reply: returns<AccountDto>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  listAccounts: request({
    subject: 'identity.account.list.v1',
    schema: userIdsSchema,
    reply: returns<AccountDto[]>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  /** The caller changes their own username (the gateway checks who may edit whom first). */
  updateAccount: request({
    subject: 'identity.account.update.v1',
    schema: updateAccountSchema,
    reply: returns<AccountDto>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  deleteAccount: request({
    subject: 'identity.account.delete.v1',
    schema: userIdSchema,
    reply: returns<Empty>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  /** The signed-in caller's own token (the caller header says whose; there is no user id to name). */
  getOwnToken: request({
    subject: 'identity.token.get.v1',
    schema: emptySchema,
    reply: returns<TokenReply>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  resetOwnToken: request({
    subject: 'identity.token.reset.v1',
    schema: emptySchema,
    reply: returns<TokenReply>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  // Personal access tokens (Label Studio's `/api/token/…`): the caller's own, named by the caller header.
  listOwnPats: request({
    subject: 'identity.pat.list.v1',
    schema: emptySchema,
    reply: returns<PersonalAccessTokenDto[]>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  /** EXISTS while the caller has a valid one. */
  createOwnPat: request({
    subject: 'identity.pat.create.v1',
    schema: emptySchema,
    reply: returns<TokenReply>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  /** The caller's own valid token is revoked and a new one made, in one transaction. */
  rotateOwnPat: request({
    subject: 'identity.pat.rotate.v1',
    schema: refreshSchema,
    reply: returns<RefreshTokenReply>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  /**
   * The full token revokes itself (possession is the proof, no caller needed); the truncated one
   * (`header.payload`) only the caller's own. NOT_FOUND otherwise, and when already revoked.
   */
  revokePat: request({
    subject: 'identity.pat.revoke.v1',
    schema: refreshSchema,
    reply: returns<Empty>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  /** A valid personal access token of an active user buys a short-lived access token. */
  refreshAccess: request({
    subject: 'identity.pat.refresh.v1',
    schema: refreshSchema,
    reply: returns<AccessTokenReply>(),
    from: ['gateway'],
    servedBy: 'identity',
  }),
  /**
   * A member removed from their last organization may no longer sign in: invitations, which
   * decided the removal, deactivates them at once (its durable event does the same later).
   */
  deactivateRemovedMember: request({
    subject: 'identity.account.deactivate-removed.v1',
    schema: z.object({ userId: idSchema, removedBy: idSchema.nullable() }),
    reply: returns<Empty>(),
    from: ['invitations'],
    servedBy: 'identity',
  }),

  // The operator's (`label-studio …`): only the admin credentials may send these.
  findAccount: request({
    subject: 'identity.operator.account.find.v1',
    schema: findAccountSchema,
    reply: returns<AccountDto>(),
    from: ['admin'],
    servedBy: 'identity',
  }),
  listAllAccounts: request({
    subject: 'identity.operator.account.list.v1',
    schema: listAllAccountsSchema,
    reply: returns<AccountDto[]>(),
    from: ['admin'],
    servedBy: 'identity',
  }),
  provisionAccount: request({
    subject: 'identity.operator.account.provision.v1',
    schema: provisionAccountSchema,
    reply: returns<ProvisionAccountReply>(),
    from: ['admin'],
    servedBy: 'identity',
  }),
  /** Same policy as signup; fails when equal to the current one; ends the user's sessions. */
  setPassword: request({
    subject: 'identity.operator.account.set-password.v1',
    schema: setPasswordSchema,
    reply: returns<Empty>(),
    from: ['admin'],
    servedBy: 'identity',
  }),
  /** Deactivation ends the user's sessions; tokens of inactive users are refused. */
  setActive: request({
    subject: 'identity.operator.account.set-active.v1',
    schema: setActiveSchema,
    reply: returns<AccountDto>(),
    from: ['admin'],
    servedBy: 'identity',
  }),
  /** Ends every login delay on the account, from whichever client (`label-studio unlock_user`). */
  unlockAccount: request({
    subject: 'identity.operator.account.unlock.v1',
    schema: findAccountSchema,
    reply: returns<UnlockAccountReply>(),
    from: ['admin'],
    servedBy: 'identity',
  }),
  getToken: request({
    subject: 'identity.operator.token.get.v1',
    schema: userIdSchema,
    reply: returns<TokenReply>(),
    from: ['admin'],
    servedBy: 'identity',
  }),
  resetToken: request({
    subject: 'identity.operator.token.reset.v1',
    schema: userIdSchema,
    reply: returns<TokenReply>(),
    from: ['admin'],
    servedBy: 'identity',
  }),
  createPat: request({
    subject: 'identity.operator.pat.create.v1',
    schema: operatorCreatePatSchema,
    reply: returns<TokenReply>(),
    from: ['admin'],
    servedBy: 'identity',
  }),
  patStatus: request({
    subject: 'identity.operator.pat.status.v1',
    schema: userIdSchema,
    reply: returns<PersonalAccessTokenStatusDto>(),
    from: ['admin'],
    servedBy: 'identity',
  }),
  /** A new signing key for access tokens; the current one is retired and verifies until its tokens expire. */
  rotateSigningKey: request({
    subject: 'identity.operator.signing-key.rotate.v1',
    schema: emptySchema,
    reply: returns<SigningKeyRotationReply>(),
    from: ['admin'],
    servedBy: 'identity',
  }),
} as const;

const IDENTITY_STREAM = stream({
  name: 'IDENTITY',
  subjects: 'identity.events.>',
  owner: 'identity',
  signed: true,
});

const userRegisteredSchema = z.object({
  userId: idSchema,
  // Identity validated and normalised the address.
  email: normalisedEmailSchema,
  username: z.string().max(256),
  allowNewsletters: z.boolean().nullable().default(null),
  organizationId: idSchema.nullable(),
  /** Accounts made by `POST /api/users/` join the caller's organization but keep no active one. */
  setActiveOrganization: z.boolean(),
  /** A web signup's ticket: the membership is made only by claiming it (see ensureMembership). */
  ticket: z.string().uuid().optional(),
  occurredAt: isoDateSchema,
});
export type UserRegisteredEvent = z.input<typeof userRegisteredSchema>;

const userEventSchema = z.object({ userId: idSchema, occurredAt: isoDateSchema });
export type UserDeletedEvent = z.input<typeof userEventSchema>;
export type UserLoggedInEvent = z.input<typeof userEventSchema>;

export const IdentityEvents = {
  stream: IDENTITY_STREAM,
  userRegistered: event({
    subject: 'identity.events.user.registered.v1',
    schema: userRegisteredSchema,
    stream: IDENTITY_STREAM,
    publishedBy: IDENTITY,
    consumers: { invitations: 'invitations-user-registered', profiles: 'profiles-user-registered' },
  }),
  userDeleted: event({
    subject: 'identity.events.user.deleted.v1',
    schema: userEventSchema,
    stream: IDENTITY_STREAM,
    publishedBy: IDENTITY,
    consumers: { invitations: 'invitations-user-deleted', profiles: 'profiles-user-deleted' },
  }),
  userLoggedIn: event({
    subject: 'identity.events.user.logged-in.v1',
    schema: userEventSchema,
    stream: IDENTITY_STREAM,
    publishedBy: IDENTITY,
    consumers: { profiles: 'profiles-user-logged-in' },
  }),
} as const;
