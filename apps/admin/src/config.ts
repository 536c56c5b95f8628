import { busSchema, loadConfig, z } from '@app/config';

type Env = Record<string, string | undefined>;

const schema = z
  .object({
    ...busSchema,
    /** Label Studio's `HOST`: the prefix of avatar URLs in `label-studio user` (as in the gateway). */
    LABEL_STUDIO_HOST: z
      .string()
      .default('')
      .transform((value) => value.replace(/\/+$/, '')),
  })
  .transform((env) => ({
    nats: { servers: env.NATS_SERVERS, timeoutMs: env.BUS_TIMEOUT_MS },
    publicHost: env.LABEL_STUDIO_HOST,
  }));

export type AdminConfig = z.infer<typeof schema>;

export const ADMIN_CONFIG = Symbol('ADMIN_CONFIG');

/** The CLI's settings, read once at start; throws ConfigError naming every bad variable. */
export const loadAdminConfig = (env: Env = process.env): AdminConfig => loadConfig(schema, env);

/**
 * `label-studio start` runs the whole system the way `npm run stack` does, which reads its own
 * variables (POSTGRES_URL, PORT, SECRET_KEY, ...): it gets the environment as it is.
 */
export const STACK_ENVIRONMENT = Symbol('STACK_ENVIRONMENT');
export const stackEnvironment = (): Env => ({ ...process.env });
