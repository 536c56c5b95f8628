import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, MoreThan } from 'typeorm';
import {
  AccessTokenReply,
  ErrorCode,
  PersonalAccessTokenDto,
  PersonalAccessTokenStatusDto,
  RefreshTokenReply,
  TokenReply,
} from '@app/contracts';
import { fail } from '@app/bus';
import { decodeJwt, encodeJwt, JwtClaims, validClaims } from '@app/jwt';
import { Account } from '../accounts/account.entity';
import { accountNotFound } from '../accounts/get-account.usecase';
import { Actor, AuditLogRepository } from '../audit/audit-log.repository';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';
import { SigningKeys } from '../signing-keys/signing-keys';
import { TokenCipher } from '../tokens/token-cipher';
import { PersonalAccessToken } from './personal-access-token.entity';

const DAY_SECONDS = 24 * 60 * 60;

// Label Studio's and simple-jwt's messages.
export const TOKEN_EXISTS = 'You already have a valid token. Please revoke it before creating a new one.';
export const TOKEN_INVALID = 'Token is invalid or expired';
export const TOKEN_BLACKLISTED = 'Token is blacklisted';
export const NO_ACTIVE_ACCOUNT = 'No active account found for the given token.';
export const INVALID_OR_BLACKLISTED = 'Token is invalid or already blacklisted.';
export const INVALID_REFRESH_TOKEN = 'Invalid refresh token';

const invalidRefreshToken = (): never =>
  fail(ErrorCode.ValidationFailed, 'Validation error', { non_field_errors: [INVALID_REFRESH_TOKEN] });

/**
 * Personal access tokens (Label Studio's JWT refresh tokens, `/api/token/…`). A token is a JWT
 * whose record identity keeps (a keyed digest of the whole token, never the token): it is
 * honoured only while that record says it is valid, so a revoked one stops minting access tokens
 * at once, whatever key signed it. Access tokens are short-lived JWTs signed with the current
 * signing key, verified by the gateways on their own.
 */
@Injectable()
export class PersonalAccessTokens {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: SigningKeys,
    private readonly cipher: TokenCipher,
    private readonly audit: AuditLogRepository,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  /** The user's valid tokens, oldest first, as `header.payload` (Label Studio's list). */
  async list(userId: number): Promise<PersonalAccessTokenDto[]> {
    const rows = await this.dataSource.manager.find(PersonalAccessToken, {
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'ASC', jti: 'ASC' },
    });
    return rows.map((row) => ({
      token: row.truncated,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
    }));
  }

  async status(userId: number): Promise<PersonalAccessTokenStatusDto> {
    if (!(await this.dataSource.manager.existsBy(Account, { id: userId }))) throw accountNotFound();
    const valid = await this.list(userId);
    const newest = valid.at(-1);
    return {
      valid: valid.length,
      newestCreatedAt: newest?.createdAt ?? null,
      newestExpiresAt: newest?.expiresAt ?? null,
    };
  }

  /**
   * A new token, shown this once. While one is valid: EXISTS (Label Studio's 409), unless the
   * operator asks to replace it. The account row is locked, so two requests at once make one.
   */
  async create(userId: number, actor: Actor, replace = false): Promise<TokenReply> {
    return this.dataSource.transaction(async (manager) => {
      const account = await manager.findOne(Account, {
        where: { id: userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!account) throw accountNotFound();
      const valid = await this.validOf(manager, userId);
      if (valid.length && !replace) fail(ErrorCode.Exists, TOKEN_EXISTS);
      if (valid.length)
        await this.revokeRows(
          manager,
          valid.map((row) => row.jti),
        );
      const token = await this.issue(manager, userId);
      await this.audit.record(
        { action: 'pat.create', actor, subjectUserId: userId, details: { replaced: valid.length } },
        manager,
      );
      return { token };
    });
  }

  /** `POST /api/token/refresh/`: a valid token of an active user buys an access token. */
  async refresh(refresh: unknown): Promise<AccessTokenReply> {
    const row = await this.findByToken(this.dataSource.manager, refresh);
    if (!row) return fail(ErrorCode.Unauthenticated, TOKEN_INVALID);
    if (row.revokedAt) return fail(ErrorCode.Unauthenticated, TOKEN_BLACKLISTED);
    if (row.expiresAt.getTime() <= Date.now()) return fail(ErrorCode.Unauthenticated, TOKEN_INVALID);
    const account = await this.dataSource.manager.findOneBy(Account, { id: row.userId });
    if (!account?.isActive) return fail(ErrorCode.Unauthenticated, NO_ACTIVE_ACCOUNT);
    const now = Math.floor(Date.now() / 1000);
    const claims: JwtClaims = {
      token_type: 'access',
      exp: now + this.config.JWT_ACCESS_TOKEN_LIFETIME_SECONDS,
      iat: now,
      jti: newJti(),
      user_id: row.userId,
    };
    const key = await this.keys.current();
    return { access: encodeJwt(claims, key.kid, key.privateKey) };
  }

  /**
   * `POST /api/token/rotate/`: the caller's own valid token is revoked and a new one made, in one
   * transaction (Label Studio rotated any valid token for the caller; here only the caller's own).
   */
  async rotate(userId: number, refresh: unknown): Promise<RefreshTokenReply> {
    return this.dataSource.transaction(async (manager) => {
      await manager.findOne(Account, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      const row = await this.findByToken(manager, refresh);
      if (!row || row.userId !== userId || row.revokedAt || row.expiresAt.getTime() <= Date.now()) {
        return invalidRefreshToken();
      }
      await this.revokeRows(manager, [row.jti]);
      const token = await this.issue(manager, userId);
      await this.audit.record({ action: 'pat.rotate', actor: userId, subjectUserId: userId }, manager);
      return { refresh: token };
    });
  }

  /**
   * `POST /api/token/blacklist/`: the whole token revokes itself (whoever holds it may end it);
   * the truncated form (`header.payload`, what the list shows) only the caller's own. Unknown,
   * someone else's or already revoked: NOT_FOUND, one message for all.
   */
  async revoke(caller: number | undefined, refresh: unknown): Promise<void> {
    const decoded = decodeJwt(refresh);
    const claims = decoded?.claims;
    let row: PersonalAccessToken | null = null;
    if (decoded && decoded.signature.length > 0) {
      row = await this.findByToken(this.dataSource.manager, refresh);
    } else if (
      decoded &&
      caller !== undefined &&
      typeof claims?.jti === 'string' &&
      /^[0-9a-f]{32}$/.test(claims.jti)
    ) {
      const candidate = await this.dataSource.manager.findOneBy(PersonalAccessToken, { jti: claims.jti });
      if (candidate?.userId === caller && candidate.truncated === decoded.signingInput) row = candidate;
    }
    if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) {
      return void fail(ErrorCode.NotFound, INVALID_OR_BLACKLISTED);
    }
    const { jti, userId } = row;
    const revoked = await this.dataSource.transaction(async (manager) => {
      const count = await this.revokeRows(manager, [jti]);
      if (count) {
        await this.audit.record({ action: 'pat.revoke', actor: caller, subjectUserId: userId }, manager);
      }
      return count;
    });
    if (!revoked) fail(ErrorCode.NotFound, INVALID_OR_BLACKLISTED);
  }

  private async issue(manager: EntityManager, userId: number): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: JwtClaims = {
      token_type: 'refresh',
      exp: now + this.config.JWT_PERSONAL_TOKEN_LIFETIME_DAYS * DAY_SECONDS,
      iat: now,
      jti: newJti(),
      user_id: userId,
    };
    const key = await this.keys.current();
    const token = encodeJwt(claims, key.kid, key.privateKey);
    await manager.insert(PersonalAccessToken, {
      jti: claims.jti,
      userId,
      digest: this.cipher.personalTokenDigest(token),
      truncated: token.split('.').slice(0, 2).join('.'),
      createdAt: new Date(claims.iat * 1000),
      expiresAt: new Date(claims.exp * 1000),
      revokedAt: null,
    });
    return token;
  }

  /** The record of a whole, refresh-typed token; null for anything else. */
  private async findByToken(manager: EntityManager, token: unknown): Promise<PersonalAccessToken | null> {
    const decoded = decodeJwt(token);
    if (!decoded || decoded.signature.length === 0) return null;
    if (!validClaims(decoded, 'refresh', 0)) return null;
    return manager.findOneBy(PersonalAccessToken, {
      digest: this.cipher.personalTokenDigest(token as string),
    });
  }

  private validOf(manager: EntityManager, userId: number): Promise<PersonalAccessToken[]> {
    return manager.find(PersonalAccessToken, {
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
    });
  }

  /** Marks them revoked unless they already are; how many this call revoked. */
  private async revokeRows(manager: EntityManager, jtis: string[]): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .update(PersonalAccessToken)
      .set({ revokedAt: () => 'now()' })
      .where('jti IN (:...jtis) AND revoked_at IS NULL', { jtis })
      .execute();
    return result.affected ?? 0;
  }
}

const newJti = (): string => randomUUID().replaceAll('-', '');
