import { busSchema, databaseUrl, loadConfig, port, z } from '@app/config';

const schema = z
  .object({
    DATABASE_URL: databaseUrl('ls_profiles'),
    HEALTH_PORT: port(8083),
    ...busSchema,
  })
  .transform((env) => ({
    databaseUrl: env.DATABASE_URL,
    healthPort: env.HEALTH_PORT,
    nats: { servers: env.NATS_SERVERS, timeoutMs: env.BUS_TIMEOUT_MS },
    logLevel: env.LOG_LEVEL,
  }));

export type ProfilesConfig = z.infer<typeof schema>;

/** The only place the profiles service reads its environment; throws ConfigError naming every bad variable. */
export function loadProfilesConfig(env: Record<string, string | undefined> = process.env): ProfilesConfig {
  return loadConfig(schema, env);
}
