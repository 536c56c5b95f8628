import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SessionDto } from '@app/contracts';
import { IDENTITY_CONFIG, IdentityConfig } from '../config';
import { generateSessionKey, sessionDigest } from './session-key';
import { toSessionDto } from './session.mapper';
import { SessionRepository } from './session.repository';
import { WebSession } from './web-session.entity';

/** Opens a fresh server-side session (a new id at every login: no session fixation). */
@Injectable()
export class SessionIssuer {
  private readonly maxAgeMs: number;

  constructor(
    private readonly sessions: SessionRepository,
    @Inject(IDENTITY_CONFIG) config: IdentityConfig,
  ) {
    this.maxAgeMs = config.SESSION_MAX_AGE_SECONDS * 1000;
  }

  async open(
    manager: EntityManager,
    userId: number,
    persistent: boolean,
    now = new Date(),
  ): Promise<SessionDto> {
    const key = generateSessionKey();
    const session = Object.assign(new WebSession(), {
      digest: sessionDigest(key),
      userId,
      persistent,
      createdAt: now,
      // A browser-session cookie (persistent=false) still ends on the server after the maximum age.
      expiresAt: new Date(now.getTime() + this.maxAgeMs),
    });
    await this.sessions.insert(manager, session);
    return toSessionDto(key, session);
  }
}
