import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { busSchema, busSettings, loadConfig, z } from '@app/config';

type Env = Record<string, string | undefined>;

const schema = z
  .object({
    ...busSchema,
    // Checked when a command first needs the bus (AdminBus): `--help` and `start` need no credentials.
    NATS_NKEY_SEED: busSchema.NATS_NKEY_SEED.optional(),
    /** Label Studio's `HOST`: the prefix of avatar URLs in `label-studio user` (as in the gateway). */
    LABEL_STUDIO_HOST: z
      .string()
      .default('')
      .transform((value) => value.replace(/\/+$/, '')),
  })
  .transform((env) => ({
    nats: { ...busSettings('admin', { ...env, NATS_NKEY_SEED: env.NATS_NKEY_SEED ?? '' }) },
    publicHost: env.LABEL_STUDIO_HOST,
  }));

export type AdminConfig = z.infer<typeof schema>;

export const ADMIN_CONFIG = Symbol('ADMIN_CONFIG');

/** The CLI's settings, read once at start; throws ConfigError naming every bad variable. */
export const loadAdminConfig = (env: Env = process.env, checkout = checkoutOf(__dirname)): AdminConfig =>
  loadConfig(schema, withLocalStack(env, checkout));

/** The checkout this CLI was built in (the nearest folder above with a package.json), if any. */
export function checkoutOf(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * `npx label-studio …` in a checkout where `npm run stack` runs: without NATS settings of its own,
 * the CLI uses that stack's NATS server and the operator's credentials, from `.stack/ports.json`.
 * Anything set in the environment wins; a deployment (no checkout, no .stack) is left as it is.
 */
export function withLocalStack(env: Env, checkout: string | undefined): Env {
  if (!checkout || env.NATS_SERVERS || env.NATS_NKEY_SEED || env.NATS_NKEY_SEED_FILE) return env;
  const portsFile = join(checkout, '.stack', 'ports.json');
  if (!existsSync(portsFile)) return env;
  try {
    const ports = JSON.parse(readFileSync(portsFile, 'utf8')) as {
      nats?: unknown;
      natsCredentials?: unknown;
    };
    if (typeof ports.nats !== 'string' || typeof ports.natsCredentials !== 'string') return env;
    return { ...env, NATS_SERVERS: ports.nats, NATS_NKEY_SEED_FILE: join(ports.natsCredentials, 'admin.nk') };
  } catch {
    return env;
  }
}

/**
 * `label-studio start` runs the whole system the way `npm run stack` does, which reads its own
 * variables (POSTGRES_URL, PORT, SECRET_KEY, ...): it gets the environment as it is.
 */
export const STACK_ENVIRONMENT = Symbol('STACK_ENVIRONMENT');
export const stackEnvironment = (): Env => ({ ...process.env });
