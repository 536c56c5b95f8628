import { z } from 'zod';
import { kvBucket } from './contract';
import { idSchema, isoDateSchema } from './schemas';

/** A SHA-256 digest in hex: how credentials are named in the read model (never the credential). */
export const credentialDigestSchema = z.string().regex(/^[0-9a-f]{64}$/);

const accountSchema = z.object({
  id: idSchema,
  email: z.string(),
  username: z.string(),
  isActive: z.boolean(),
  isSuperuser: z.boolean(),
  dateJoined: isoDateSchema,
  lastLogin: isoDateSchema.nullable(),
});

/**
 * Everything a gateway needs to authenticate a user, one value per user (key: the user id): the
 * account, the digest of the API token (absent for a token the operator chose shorter than
 * `MIN_REPLICATED_TOKEN_LENGTH`: those are checked by identity itself) and the digests of the live
 * web sessions (the newest `MAX_REPLICATED_SESSIONS`; older ones are checked by identity).
 */
export const authUserSchema = z.object({
  account: accountSchema,
  tokenDigest: credentialDigestSchema.nullable(),
  sessions: z.array(z.object({ digest: credentialDigestSchema, expiresAt: isoDateSchema })),
});
export const MIN_REPLICATED_TOKEN_LENGTH = 20;

/**
 * What to tell an operator who chose an API token (`--user-token`, LABEL_STUDIO_USER_TOKEN) that is
 * short enough to guess: accepted (Label Studio's documented minimum is 5), but worth a warning.
 */
export function chosenTokenWarning(token: string | undefined): string | null {
  if (token === undefined || token.length >= MIN_REPLICATED_TOKEN_LENGTH) return null;
  return `Warning: an API token of ${token.length} characters can be guessed; use at least ${MIN_REPLICATED_TOKEN_LENGTH} random characters, or leave it out to have one generated`;
}
export const MAX_REPLICATED_SESSIONS = 50;

const profileSchema = z.object({
  userId: idSchema,
  firstName: z.string(),
  lastName: z.string(),
  phone: z.string(),
  allowNewsletters: z.boolean().nullable(),
  customHotkeys: z.record(z.unknown()),
  avatar: z.string().nullable(),
  lastActivity: isoDateSchema.nullable(),
});

const organizationRefSchema = z.object({ id: idSchema, title: z.string(), ownerEmail: z.string() });

/** Label Studio's `JWTSettings` of an organization: which kinds of API token its members may use. */
export const tokenSettingsSchema = z.object({
  apiTokensEnabled: z.boolean(),
  legacyApiTokensEnabled: z.boolean(),
});

/** A user's organizations (key: the user id): the active one as shown in whoami, and every membership. */
export const userMembershipsSchema = z.object({
  activeOrganization: organizationRefSchema.nullable(),
  /**
   * The token settings of the active organization (null without one). Values published before
   * the settings existed read as Label Studio's defaults, which is what every organization had.
   */
  tokenSettings: tokenSettingsSchema
    .nullable()
    .default({ apiTokensEnabled: true, legacyApiTokensEnabled: true }),
  memberships: z.array(
    z.object({
      id: idSchema,
      organizationId: idSchema,
      createdAt: isoDateSchema,
      deletedAt: isoDateSchema.nullable(),
    }),
  ),
});

/**
 * A public key that verifies access tokens (key: its `kid`). Identity holds the private half and
 * signs with the newest key whose `activeFrom` has passed; a retired key verifies only tokens issued
 * before `retiredAt`, and is deleted once they have all expired.
 */
export const signingKeySchema = z.object({
  kid: z.string().regex(/^[0-9a-f]{16,64}$/),
  algorithm: z.literal('EdDSA'),
  /** The Ed25519 public key, base64url (a JWK's `x`). */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  activeFrom: isoDateSchema,
  retiredAt: isoDateSchema.nullable(),
});

/**
 * The read models the gateway keeps in memory so that it authenticates requests and renders users
 * without asking anyone (docs/architecture.md, "The gateway's read model").
 */
export const ReadModels = {
  authUsers: kvBucket({
    bucket: 'auth-users',
    schema: authUserSchema,
    owner: 'identity',
    readers: ['gateway'],
  }),
  profiles: kvBucket({ bucket: 'profiles', schema: profileSchema, owner: 'profiles', readers: ['gateway'] }),
  userMemberships: kvBucket({
    bucket: 'user-memberships',
    schema: userMembershipsSchema,
    owner: 'invitations',
    readers: ['gateway'],
  }),
  signingKeys: kvBucket({
    bucket: 'signing-keys',
    schema: signingKeySchema,
    owner: 'identity',
    readers: ['gateway'],
  }),
} as const;
