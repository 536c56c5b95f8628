import { TestNatsServer } from '../../../test/support/nats-server';
import { loadProfilesConfig, ProfilesConfig } from '../src/config';

/**
 * Storage settings for tests that do not touch avatars: the service starts and works without
 * reaching object storage (nothing listens on the discard port).
 */
const UNUSED_STORAGE_ENV = {
  MINIO_ENDPOINT: '127.0.0.1',
  MINIO_PORT: '9',
  MINIO_ACCESS_KEY: 'unused',
  MINIO_SECRET_KEY: 'unused',
} as const;

/**
 * The service's configuration for a test: its database, the test's NATS as `profiles` (with its
 * own credentials), quiet, health on any port.
 */
export function profilesTestConfig(
  databaseUrl: string,
  nats: TestNatsServer,
  env: Record<string, string> = {},
): ProfilesConfig {
  return loadProfilesConfig({
    DATABASE_URL: databaseUrl,
    ...nats.envFor('profiles'),
    HEALTH_PORT: '0',
    LOG_LEVEL: 'silent',
    ...UNUSED_STORAGE_ENV,
    ...env,
  });
}
