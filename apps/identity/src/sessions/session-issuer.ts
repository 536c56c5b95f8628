import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SessionDto } from '@app/contracts';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';
import { generateSessionKey, sessionDigest } from './session-key';
import { toSessionDto } from './session.mapper';

/** Opens a fresh server-side session (a new id at every login: no session fixation). */
@Injectable()
export class SessionIssuer {
  private readonly maxAgeSeconds: number;

  constructor(@Inject(IDENTITY_CONFIG) config: IdentityConfig) {
    this.maxAgeSeconds = config.SESSION_MAX_AGE_SECONDS;
  }

  /**
   * The expiry is computed once, by the database's clock, and travels with the session (in the
   * cookie's `expires`, the reply and the gateway's read model): no replica's clock decides it.
   */
  async open(manager: EntityManager, userId: number, persistent: boolean): Promise<SessionDto> {
    const key = generateSessionKey();
    const [row]: { created_at: Date; expires_at: Date }[] = await manager.query(
      `INSERT INTO web_session (digest, user_id, persistent, created_at, expires_at)
       VALUES ($1, $2, $3, now(), now() + make_interval(secs => $4))
       RETURNING created_at, expires_at`,
      [sessionDigest(key), userId, persistent, this.maxAgeSeconds],
    );
    // A browser-session cookie (persistent=false) still ends on the server after the maximum age.
    return toSessionDto(key, { persistent, expiresAt: new Date(row.expires_at) });
  }
}
