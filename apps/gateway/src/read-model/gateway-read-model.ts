import { createHash, KeyObject } from 'node:crypto';
import {
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import {
  AccountDto,
  IdentitySubjects,
  InvitationsSubjects,
  KvValueOf,
  LoginReply,
  OrganizationDto,
  ProfilesSubjects,
  RegisterReply,
  RequestContract,
  MemberDto,
  MembershipContextDto,
  PrincipalDto,
  ProfileDto,
  ReadModels,
  TokenSettingsDto,
} from '@app/contracts';
import { BusClient, KvReplica } from '@app/bus';
import { publicKeyFromJwkX } from '@app/jwt';
import { MemberOrder } from './member-order';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';

type AuthUser = KvValueOf<typeof ReadModels.authUsers>;
type UserMemberships = KvValueOf<typeof ReadModels.userMemberships>;
type TokenSettings = KvValueOf<typeof ReadModels.userMemberships>['tokenSettings'];

/** A public key that verifies access tokens; a retired one only those issued before `retiredAt`. */
export interface VerificationKey {
  key: KeyObject;
  retiredAt: number | null;
}

/** The token settings that apply to a user: those of their active organization, if any. */
export interface UserTokenSettings {
  organizationId: number | null;
  settings: TokenSettings;
}

/** How credentials are named in the read model: never the credential itself. */
export const credentialDigest = (credential: string): string =>
  createHash('sha256').update(credential, 'utf8').digest('hex');

/** What the read model says about a credential. */
export type Lookup =
  | { kind: 'valid'; principal: PrincipalDto }
  /** Known and refused: its account is inactive, or this replica revoked it (reset, logout, expiry). */
  | { kind: 'refused'; reason: 'inactive' | 'revoked' }
  /** Not in the model: too new, too weak to replicate, or invalid. Only its owner can tell. */
  | { kind: 'unknown' };

const UNKNOWN: Lookup = { kind: 'unknown' };
const INACTIVE: Lookup = { kind: 'refused', reason: 'inactive' };
const REVOKED: Lookup = { kind: 'refused', reason: 'revoked' };

/**
 * Revocations this replica applied itself (it served the logout, the token reset, the removal) stay
 * in force until the owner's published state agrees, or this long at most.
 */
const LOCAL_REVOCATION_MS = 5 * 60_000;

/**
 * What this replica just wrote (a saved profile, a renamed account, a membership) is read back as
 * written for this long, even if an update published before the write arrives late: a person who
 * saves and reloads sees what they saved. The owner's own update arrives well within it.
 */
const READ_YOUR_WRITES_MS = 3_000;

/** An organization's members in People page order: how many, and the ones at some positions. */
export interface OrderedMembers {
  count: number;
  slice(start: number, end: number): MemberDto[];
}

interface Written<T> {
  value: T;
  until: number;
}

/**
 * What the gateway needs to authenticate requests and render users, held in memory and kept in
 * step with the owners' read models (identity's `auth-users`, profiles' `profiles`, invitations'
 * `user-memberships`): token, session and whoami are answered without a bus request. It is a
 * replica, never the authority: a credential it does not know is asked of identity (once, for
 * that request only), and what it knows is only ever as old as the last change it received.
 */
@Injectable()
export class GatewayReadModel implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly users = new Map<number, AuthUser>();
  private readonly tokenOwners = new Map<string, number>();
  private readonly sessions = new Map<string, { userId: number; expiresAt: number }>();
  /** Each user's session and token digests held here, whoever put them (the owner, or this replica). */
  private readonly credentialsOf = new Map<number, Set<string>>();
  private readonly profiles = new Map<number, ProfileDto>();
  private readonly memberships = new Map<number, UserMemberships>();
  private readonly organizationMembers = new Map<number, Map<number, MemberDto>>();
  /** Each organization's members in People page order. */
  private readonly memberOrders = new Map<number, MemberOrder>();
  /** Credential digests and users this replica revoked, until the owner's state shows it. */
  private readonly revokedCredentials = new Map<string, number>();
  private readonly deactivatedUsers = new Map<number, number>();
  private readonly writtenAccounts = new Map<number, Written<AccountDto>>();
  private readonly writtenProfiles = new Map<number, Written<ProfileDto>>();
  private readonly writtenContexts = new Map<number, Written<MembershipContextDto>>();
  /** Organizations whose members this replica just changed: listed by invitations until then. */
  private readonly writtenOrganizations = new Map<number, Written<true>>();
  private readonly staleContexts = new Map<number, Written<true>>();
  /** Token settings this replica just changed, by organization. */
  private readonly writtenTokenSettings = new Map<number, Written<NonNullable<TokenSettings>>>();
  private readonly signingKeys = new Map<string, VerificationKey>();
  private readonly replicas: Array<KvReplica<never>>;

  constructor(
    private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    const reader = bus.settings;
    this.replicas = [
      new KvReplica(ReadModels.authUsers, reader, {
        put: (key, value) => this.putUser(Number(key), value),
        delete: (key) => this.removeUser(Number(key)),
      }),
      new KvReplica(ReadModels.profiles, reader, {
        put: (key, value) => this.profiles.set(Number(key), value),
        delete: (key) => this.profiles.delete(Number(key)),
      }),
      new KvReplica(ReadModels.userMemberships, reader, {
        put: (key, value) => this.putMemberships(Number(key), value),
        delete: (key) => this.removeMemberships(Number(key)),
      }),
      new KvReplica(ReadModels.signingKeys, reader, {
        put: (kid, value) =>
          this.signingKeys.set(kid, {
            key: publicKeyFromJwkX(value.publicKey),
            retiredAt: value.retiredAt === null ? null : Date.parse(value.retiredAt),
          }),
        delete: (kid) => this.signingKeys.delete(kid),
      }),
    ] as Array<KvReplica<never>>;
  }

  onModuleInit(): void {
    this.bus.observeReplies((contract, payload, reply) => this.sawReply(contract, payload, reply));
  }

  onApplicationBootstrap(): void {
    // In the background: readiness waits for it, start-up does not (NATS may be down).
    for (const replica of this.replicas) void replica.start(() => this.bus.nats());
  }

  onApplicationShutdown(): void {
    for (const replica of this.replicas) replica.stop();
  }

  /** Ready once every read model has been read in full. */
  get ready(): boolean {
    return this.replicas.every((replica) => replica.ready);
  }

  /**
   * Whether the model may still be trusted: it is, while connected, and for
   * READ_MODEL_MAX_STALE_MS after the bus was lost (revocations made meanwhile cannot reach it).
   */
  get usable(): boolean {
    if (!this.ready) return false;
    return (
      this.bus.disconnectedSince === null ||
      Date.now() - this.bus.disconnectedSince < this.config.readModelMaxStaleMs
    );
  }

  byToken(token: string): Lookup {
    if (!this.usable) return UNKNOWN;
    const digest = credentialDigest(token);
    if (this.isRevokedHere(digest, Date.now())) return REVOKED;
    const userId = this.tokenOwners.get(digest);
    return userId === undefined ? UNKNOWN : this.principalOf(userId, 'token');
  }

  bySession(key: string): Lookup {
    if (!this.usable) return UNKNOWN;
    const digest = credentialDigest(key);
    if (this.isRevokedHere(digest, Date.now())) return REVOKED;
    const session = this.sessions.get(digest);
    if (!session) return UNKNOWN;
    // Expired: identity refuses it too (its sweeper removes it later).
    if (session.expiresAt <= Date.now()) return REVOKED;
    return this.principalOf(session.userId, 'session');
  }

  /**
   * The public key named by an access token's `kid`. Keys are held even while the rest of the
   * model is stale: a key only ever verifies what identity signed, and the user is checked apart.
   */
  verificationKey(kid: string): VerificationKey | undefined {
    return this.signingKeys.get(kid);
  }

  /** Whom an access token names, as the model knows them (unknown: only identity can tell). */
  byUserId(userId: number): Lookup {
    if (!this.usable) return UNKNOWN;
    return this.principalOf(userId, 'jwt');
  }

  /** The token settings of the user's active organization; undefined when the model cannot tell. */
  tokenSettings(userId: number): UserTokenSettings | undefined {
    if (!this.usable || fresh(this.staleContexts, userId)) return undefined;
    const written = fresh(this.writtenContexts, userId);
    const entry = this.memberships.get(userId);
    if (!entry) return undefined;
    const organizationId = (written ?? entry).activeOrganization?.id ?? null;
    // A context written here may name another organization than the model's entry: ask then.
    if (organizationId !== (entry.activeOrganization?.id ?? null)) return undefined;
    if (organizationId === null) return { organizationId, settings: null };
    return {
      organizationId,
      settings: fresh(this.writtenTokenSettings, organizationId) ?? entry.tokenSettings,
    };
  }

  account(userId: number): AccountDto | undefined {
    if (!this.usable) return undefined;
    return fresh(this.writtenAccounts, userId) ?? this.users.get(userId)?.account;
  }

  profile(userId: number): ProfileDto | undefined {
    if (!this.usable) return undefined;
    return fresh(this.writtenProfiles, userId) ?? this.profiles.get(userId);
  }

  context(userId: number): MembershipContextDto | undefined {
    if (!this.usable || fresh(this.staleContexts, userId)) return undefined;
    const written = fresh(this.writtenContexts, userId);
    if (written) return written;
    const entry = this.memberships.get(userId);
    return entry ? { userId, activeOrganization: entry.activeOrganization } : undefined;
  }

  /** The replies to this replica's own writes, read back as written (see READ_YOUR_WRITES_MS). */
  private sawReply(contract: RequestContract, payload: unknown, reply: unknown): void {
    const until = Date.now() + READ_YOUR_WRITES_MS;
    const profile = (value: ProfileDto) => this.writtenProfiles.set(value.userId, { value, until });
    const account = (value: AccountDto) => {
      this.writtenAccounts.set(value.id, { value, until });
      // Listed under the name just written, and under the replicated one once it is read again.
      this.reorder(value.id);
      setTimeout(() => this.reorder(value.id), READ_YOUR_WRITES_MS + 1).unref();
    };
    switch (contract.subject) {
      case ProfilesSubjects.ensureProfile.subject:
      case ProfilesSubjects.updateProfile.subject:
      case ProfilesSubjects.setAvatar.subject:
      case ProfilesSubjects.clearAvatar.subject:
        return void profile(reply as ProfileDto);
      case IdentitySubjects.updateAccount.subject:
      case IdentitySubjects.createAccount.subject:
        return void account(reply as AccountDto);
      case IdentitySubjects.register.subject:
      case IdentitySubjects.login.subject: {
        const { account: value, session } = reply as RegisterReply | LoginReply;
        account(value);
        // The new session works here at once (elsewhere, identity is asked until the model has it).
        if (session) {
          this.addSession(credentialDigest(session.key), value.id, Date.parse(session.expiresAt));
        }
        return;
      }
      case InvitationsSubjects.ensureMembership.subject: {
        const value = reply as MembershipContextDto;
        this.writtenContexts.set(value.userId, { value, until });
        const organizationId = (payload as { organizationId: number | null }).organizationId;
        return void this.wroteMembersOf(organizationId ?? value.activeOrganization?.id, until);
      }
      case IdentitySubjects.deleteAccount.subject: {
        // Gone here at once (lists, lookups); the owners' deletions confirm it.
        const { userId } = payload as { userId: number };
        for (const membership of this.memberships.get(userId)?.memberships ?? []) {
          this.wroteMembersOf(membership.organizationId, until);
        }
        this.removeUser(userId);
        this.removeMemberships(userId);
        this.profiles.delete(userId);
        for (const written of [this.writtenAccounts, this.writtenProfiles, this.writtenContexts]) {
          written.delete(userId);
        }
        return;
      }
      case InvitationsSubjects.removeMember.subject: {
        const { organizationId, userId } = payload as { organizationId: number; userId: number };
        // Their active organization may have moved: invitations is asked until the model has it.
        this.staleContexts.set(userId, { value: true, until });
        this.writtenContexts.delete(userId);
        return void this.wroteMembersOf(organizationId, until);
      }
      case InvitationsSubjects.updateTokenSettings.subject: {
        const { organizationId, apiTokensEnabled, legacyApiTokensEnabled } = reply as TokenSettingsDto;
        this.writtenTokenSettings.set(organizationId, {
          value: { apiTokensEnabled, legacyApiTokensEnabled },
          until,
        });
        return;
      }
      case InvitationsSubjects.updateOrganization.subject: {
        const { id, title } = reply as OrganizationDto;
        this.wroteMembersOf(id, until);
        for (const [userId, entry] of this.memberships) {
          if (entry.activeOrganization?.id !== id) continue;
          const value = { userId, activeOrganization: { ...entry.activeOrganization, title } };
          this.writtenContexts.set(userId, { value, until });
        }
        return;
      }
      default:
        return;
    }
  }

  /**
   * Every member of an organization (removed ones included), when the caller has any membership
   * row in it (Label Studio's lookup among the caller's organizations); undefined: ask invitations.
   */
  membersOf(organizationId: number, callerId: number): MemberDto[] | 'not-a-member' | undefined {
    if (!this.usable || fresh(this.writtenOrganizations, organizationId)) return undefined;
    const caller = this.memberships.get(callerId);
    if (!caller) return undefined;
    if (!caller.memberships.some((m) => m.organizationId === organizationId)) return 'not-a-member';
    // Ordered by user id, as invitations lists them.
    return [...(this.organizationMembers.get(organizationId)?.values() ?? [])].sort(
      (a, b) => a.userId - b.userId,
    );
  }

  /**
   * The members of an organization in People page order (see `membersOf` for who may see them),
   * when the model knows every member's account; undefined: ask the owners, and sort.
   */
  orderedMembers(organizationId: number, callerId: number): OrderedMembers | 'not-a-member' | undefined {
    if (!this.usable || fresh(this.writtenOrganizations, organizationId)) return undefined;
    const caller = this.memberships.get(callerId);
    if (!caller) return undefined;
    if (!caller.memberships.some((m) => m.organizationId === organizationId)) return 'not-a-member';
    const order = this.memberOrders.get(organizationId);
    const members = this.organizationMembers.get(organizationId);
    if (!order?.complete || !members) return undefined;
    return {
      count: order.size,
      slice: (start: number, end: number) => order.slice(start, end).map((userId) => members.get(userId)!),
    };
  }

  member(organizationId: number, userId: number): MemberDto | undefined {
    if (!this.usable || fresh(this.writtenOrganizations, organizationId)) return undefined;
    return this.organizationMembers.get(organizationId)?.get(userId);
  }

  private wroteMembersOf(organizationId: number | undefined, until: number): void {
    if (organizationId !== undefined) this.writtenOrganizations.set(organizationId, { value: true, until });
  }

  // Revocations this replica served: in force here before its answer leaves.

  revokeSession(key: string): void {
    this.revoke(credentialDigest(key));
  }

  /** The caller's token was reset: the old one is dead here at once, the new one works at once. */
  replaceToken(userId: number, token: string): void {
    const user = this.users.get(userId);
    if (user?.tokenDigest) this.revoke(user.tokenDigest);
    this.addToken(credentialDigest(token), userId);
  }

  /** Deactivated or deleted: every credential of the user is refused here at once. */
  deactivate(userId: number): void {
    this.deactivatedUsers.set(userId, Date.now() + LOCAL_REVOCATION_MS);
  }

  private revoke(digest: string): void {
    this.revokedCredentials.set(digest, Date.now() + LOCAL_REVOCATION_MS);
    const session = this.sessions.get(digest);
    if (session) this.sessions.delete(digest);
    if (this.tokenOwners.has(digest)) this.tokenOwners.delete(digest);
  }

  private principalOf(userId: number, method: PrincipalDto['method']): Lookup {
    const account = fresh(this.writtenAccounts, userId) ?? this.users.get(userId)?.account;
    if (!account) return UNKNOWN;
    if (!account.isActive || this.isDeactivatedHere(userId)) return INACTIVE;
    return { kind: 'valid', principal: { userId, email: account.email, method, account } };
  }

  private isDeactivatedHere(userId: number): boolean {
    const until = this.deactivatedUsers.get(userId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.deactivatedUsers.delete(userId);
    return false;
  }

  private putUser(userId: number, value: AuthUser): void {
    const previous = this.users.get(userId);
    // The owner's value is the user's whole state: every credential held for them is replaced.
    this.dropCredentials(userId);
    this.users.set(userId, value);
    const now = Date.now();
    const published = new Set<string>();
    if (value.tokenDigest) {
      published.add(value.tokenDigest);
      if (!this.isRevokedHere(value.tokenDigest, now)) this.addToken(value.tokenDigest, userId);
    }
    for (const session of value.sessions) {
      published.add(session.digest);
      if (!this.isRevokedHere(session.digest, now)) {
        this.addSession(session.digest, userId, Date.parse(session.expiresAt));
      }
    }
    // The owner has published the user's state: local revocations it no longer lists are done.
    for (const digest of [previous?.tokenDigest, ...(previous?.sessions ?? []).map((s) => s.digest)]) {
      if (digest && !published.has(digest)) this.revokedCredentials.delete(digest);
    }
    if (!value.account.isActive) this.deactivatedUsers.delete(userId);
    this.reorder(userId);
  }

  private removeUser(userId: number): void {
    this.dropCredentials(userId);
    this.users.delete(userId);
    this.deactivatedUsers.delete(userId);
    this.reorder(userId);
  }

  /** The name the user is listed under: the account as this replica reads it. */
  private usernameOf(userId: number): string | undefined {
    return (fresh(this.writtenAccounts, userId) ?? this.users.get(userId)?.account)?.username;
  }

  /** Puts the user where their name belongs in every organization they are a member of. */
  private reorder(userId: number): void {
    const username = this.usernameOf(userId);
    for (const m of this.memberships.get(userId)?.memberships ?? []) {
      this.memberOrders.get(m.organizationId)?.set(userId, username);
    }
  }

  private addToken(digest: string, userId: number): void {
    this.tokenOwners.set(digest, userId);
    this.credentialsHeldFor(userId).add(digest);
  }

  private addSession(digest: string, userId: number, expiresAt: number): void {
    this.sessions.set(digest, { userId, expiresAt });
    this.credentialsHeldFor(userId).add(digest);
  }

  private credentialsHeldFor(userId: number): Set<string> {
    let held = this.credentialsOf.get(userId);
    if (!held) this.credentialsOf.set(userId, (held = new Set()));
    return held;
  }

  private dropCredentials(userId: number): void {
    for (const digest of this.credentialsOf.get(userId) ?? []) {
      if (this.tokenOwners.get(digest) === userId) this.tokenOwners.delete(digest);
      if (this.sessions.get(digest)?.userId === userId) this.sessions.delete(digest);
    }
    this.credentialsOf.delete(userId);
  }

  private isRevokedHere(digest: string, now: number): boolean {
    const until = this.revokedCredentials.get(digest);
    if (until === undefined) return false;
    if (until > now) return true;
    this.revokedCredentials.delete(digest);
    return false;
  }

  private putMemberships(userId: number, value: UserMemberships): void {
    this.removeMemberships(userId);
    this.memberships.set(userId, value);
    for (const m of value.memberships) {
      let members = this.organizationMembers.get(m.organizationId);
      if (!members) this.organizationMembers.set(m.organizationId, (members = new Map()));
      members.set(userId, {
        id: m.id,
        userId,
        organizationId: m.organizationId,
        createdAt: m.createdAt,
        deletedAt: m.deletedAt,
      });
      let order = this.memberOrders.get(m.organizationId);
      if (!order) this.memberOrders.set(m.organizationId, (order = new MemberOrder()));
      order.set(userId, this.usernameOf(userId));
    }
  }

  private removeMemberships(userId: number): void {
    const previous = this.memberships.get(userId);
    if (!previous) return;
    for (const m of previous.memberships) {
      this.organizationMembers.get(m.organizationId)?.delete(userId);
      this.memberOrders.get(m.organizationId)?.delete(userId);
    }
    this.memberships.delete(userId);
  }
}

/** A value this replica wrote, while it is still read back as written. */
function fresh<T>(written: Map<number, Written<T>>, id: number): T | undefined {
  const entry = written.get(id);
  if (!entry) return undefined;
  if (entry.until > Date.now()) return entry.value;
  written.delete(id);
  return undefined;
}
