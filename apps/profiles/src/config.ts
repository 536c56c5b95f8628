import {
  busSchema,
  busSettings,
  databaseUrl,
  loadConfig,
  lsBoolean,
  port,
  positiveInt,
  z,
} from '@app/config';

const required = (name: string) =>
  z.string({ required_error: `${name} is required (set it or ${name}_FILE)` }).min(1, `${name} is required`);

const schema = z
  .object({
    DATABASE_URL: databaseUrl('ls_profiles'),
    HEALTH_PORT: port(8083),
    ...busSchema,
    /** MinIO (or any S3 server): host name, or a URL whose scheme and port are taken as defaults. */
    MINIO_ENDPOINT: required('MINIO_ENDPOINT'),
    MINIO_PORT: port(9000).optional(),
    MINIO_USE_SSL: lsBoolean(false),
    MINIO_ACCESS_KEY: required('MINIO_ACCESS_KEY'),
    MINIO_SECRET_KEY: required('MINIO_SECRET_KEY'),
    MINIO_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
      .default('avatars'),
    MINIO_REGION: z.string().min(1).default('us-east-1'),
    /** How long one storage call may take before the avatar request fails with 503. */
    STORAGE_TIMEOUT_MS: positiveInt(5000),
    /** Largest avatar in pixels (the seed: 512 x 512). */
    AVATAR_MAX_WIDTH: z.coerce.number().int().min(16).max(4096).default(512),
    AVATAR_MAX_HEIGHT: z.coerce.number().int().min(16).max(4096).default(512),
    /** How often objects no profile points at are looked for, and how old they must be to go. */
    AVATAR_SWEEP_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    AVATAR_ORPHAN_GRACE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  })
  .transform((env) => {
    const endpoint = parseEndpoint(env.MINIO_ENDPOINT, env.MINIO_USE_SSL);
    return {
      databaseUrl: env.DATABASE_URL,
      healthPort: env.HEALTH_PORT,
      nats: busSettings('profiles', env, { requirePublicKeys: true }),
      logLevel: env.LOG_LEVEL,
      storage: {
        endPoint: endpoint.host,
        port: env.MINIO_PORT ?? endpoint.port,
        useSSL: endpoint.useSSL,
        accessKey: env.MINIO_ACCESS_KEY,
        secretKey: env.MINIO_SECRET_KEY,
        bucket: env.MINIO_BUCKET,
        region: env.MINIO_REGION,
        timeoutMs: env.STORAGE_TIMEOUT_MS,
      },
      avatar: { maxWidth: env.AVATAR_MAX_WIDTH, maxHeight: env.AVATAR_MAX_HEIGHT },
      sweeper: { intervalSeconds: env.AVATAR_SWEEP_SECONDS, graceSeconds: env.AVATAR_ORPHAN_GRACE_SECONDS },
    };
  });

function parseEndpoint(value: string, useSSL: boolean): { host: string; port: number; useSSL: boolean } {
  if (/^https?:\/\//i.test(value)) {
    const url = new URL(value);
    const ssl = url.protocol === 'https:';
    return { host: url.hostname, port: url.port ? Number(url.port) : ssl ? 443 : 80, useSSL: ssl };
  }
  return { host: value, port: 9000, useSSL };
}

export type ProfilesConfig = z.infer<typeof schema>;
export type StorageConfig = ProfilesConfig['storage'];
export type AvatarLimits = ProfilesConfig['avatar'];
export type SweeperConfig = ProfilesConfig['sweeper'];

/** The only place the profiles service reads its environment; throws ConfigError naming every bad variable. */
export function loadProfilesConfig(env: Record<string, string | undefined> = process.env): ProfilesConfig {
  return loadConfig(schema, env);
}
