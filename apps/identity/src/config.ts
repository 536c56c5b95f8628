import { busSchema, databaseUrl, loadConfig, port, positiveInt, secret, z } from '@app/config';

const DAY_SECONDS = 24 * 60 * 60;

export const identityConfigSchema = z.object({
  DATABASE_URL: databaseUrl('ls_identity'),
  ...busSchema,
  HEALTH_PORT: port(8081),
  SECRET_KEY: secret('SECRET_KEY'),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  SESSION_MAX_AGE_SECONDS: positiveInt(14 * DAY_SECONDS),
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: positiveInt(10),
  LOGIN_MAX_ATTEMPTS_PER_CLIENT: positiveInt(100),
  LOGIN_WINDOW_SECONDS: positiveInt(300),
});

export type IdentityConfig = z.infer<typeof identityConfigSchema>;

/** Injection token of the validated configuration. */
export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');

/**
 * Reads the environment once, at boot. Tests pass their own variables instead of touching
 * `process.env`. Throws ConfigError naming every bad variable.
 */
export function loadIdentityConfig(env: Record<string, string | undefined> = process.env): IdentityConfig {
  return loadConfig(identityConfigSchema, env);
}
