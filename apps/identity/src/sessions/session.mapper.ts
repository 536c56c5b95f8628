import { SessionDto } from '@app/contracts';
import { WebSession } from './web-session.entity';

/** The key is the only time the plaintext leaves the service: it goes into the cookie. */
export function toSessionDto(key: string, session: Pick<WebSession, 'expiresAt' | 'persistent'>): SessionDto {
  return { key, expiresAt: session.expiresAt.toISOString(), persistent: session.persistent };
}
