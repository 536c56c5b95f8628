import { existsSync, readFileSync } from 'node:fs';
import { fromSeed } from '@nats-io/nkeys';
import { z } from 'zod';

export { z };

/** Raised at boot when the environment does not satisfy an app's schema; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Variables that carry secrets and may therefore also be given as files. */
export const FILE_SECRETS = [
  'SECRET_KEY',
  'DATABASE_URL',
  'LABEL_STUDIO_PASSWORD',
  'LABEL_STUDIO_USER_TOKEN',
  'MINIO_ACCESS_KEY',
  'MINIO_SECRET_KEY',
  'NATS_NKEY_SEED',
];

/**
 * A secret may come from `NAME` or from a file named by `NAME_FILE` (Kubernetes Secrets mounted
 * as files). The file wins; a trailing newline is dropped.
 */
function withFileSecrets(env: Env): Env {
  const out: Env = { ...env };
  for (const name of FILE_SECRETS) {
    const path = env[`${name}_FILE`];
    if (!path) continue;
    try {
      out[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new ConfigError([`${name}_FILE: cannot read the file ${path}`]);
    }
  }
  return out;
}

/**
 * The environment `loadConfig` is validating, for the few checks that depend on another variable
 * (`NODE_ENV`, see `databaseUrl`). Parsing is synchronous, so it is only ever set for one parse.
 */
let validating: Env | undefined;

/** Validates the environment once, at boot, into a typed object. */
export function loadConfig<S extends z.ZodTypeAny>(schema: S, env: Env = process.env): z.infer<S> {
  const input = withFileSecrets(env);
  validating = input;
  let result: z.SafeParseReturnType<unknown, z.infer<S>>;
  try {
    result = schema.safeParse(input);
  } finally {
    validating = undefined;
  }
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
  );
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'not', 'off', '0']);

/** Label Studio's boolean words (`get_bool_env`): anything else stops the app. */
export function lsBoolean(defaultValue: boolean) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return defaultValue;
      const word = value.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${value}" is not a boolean; use one of true, yes, on, 1, false, no, not, off, 0`,
      });
      return z.NEVER;
    });
}

export const port = (defaultValue: number) => z.coerce.number().int().min(0).max(65535).default(defaultValue);

export const positiveInt = (defaultValue: number) => z.coerce.number().int().positive().default(defaultValue);

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

/** `NODE_ENV=production`, in the environment being validated (the images set it). */
const inProduction = (): boolean => (validating ?? process.env).NODE_ENV?.trim() === 'production';

/**
 * A service's own database. Outside production it defaults to the local server's `postgres` user
 * without a password (development, tests); with `NODE_ENV=production` there is no default: a
 * deployment must say which database, as which role (`DATABASE_URL` or `DATABASE_URL_FILE`).
 */
export const databaseUrl = (defaultDatabase: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const url =
        value ?? (inProduction() ? undefined : `postgres://postgres@127.0.0.1:5432/${defaultDatabase}`);
      if (url === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message:
            'DATABASE_URL is required when NODE_ENV=production (set it or DATABASE_URL_FILE): ' +
            'the local passwordless default is for development only',
        });
        return z.NEVER;
      }
      if (!/^postgres(ql)?:\/\//.test(url)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a postgres:// URL' });
        return z.NEVER;
      }
      return url;
    });

/** A secret of at least 32 characters; there is deliberately no default. */
export const secret = (name: string) =>
  z
    .string({ required_error: `${name} is required (set it or ${name}_FILE)` })
    .min(32, `${name} must be at least 32 characters`);

/** A NATS user seed (`SU` and 56 base32 characters, with a valid checksum), as `nats:credentials` writes them. */
function isUserSeed(seed: string): boolean {
  if (!/^SU[A-Z2-7]{56}$/.test(seed)) return false;
  try {
    return fromSeed(new TextEncoder().encode(seed)).getPublicKey().startsWith('U');
  } catch {
    return false;
  }
}

/**
 * Infrastructure every service shares: the bus, as this app's own NATS user. There is no
 * anonymous fallback: without its seed an app does not start.
 */
export const busSchema = {
  NATS_SERVERS: z
    .string()
    .default('nats://127.0.0.1:4222')
    .transform((value) =>
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  NATS_NKEY_SEED: z
    .string({
      required_error:
        "NATS_NKEY_SEED is required (set it or NATS_NKEY_SEED_FILE): this app's NATS credentials",
    })
    .trim()
    .refine(isUserSeed, 'NATS_NKEY_SEED must be a NATS user seed (SU…, 58 characters)'),
  /** The CA that signed the NATS server's certificate; when set the connection must use TLS. */
  NATS_TLS_CA_FILE: z
    .string()
    .optional()
    .refine((path) => path === undefined || existsSync(path), 'NATS_TLS_CA_FILE: no such file'),
  /** The apps' public nkeys (`public-keys.json` from `nats:credentials`): who may sign which events. */
  NATS_PUBLIC_KEYS_FILE: z.string().optional(),
  BUS_TIMEOUT_MS: positiveInt(5000),
  /** SIGTERM: the app stops taking work and waits this long at most for what it has taken. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  LOG_LEVEL: logLevel,
};

type BusAppName = 'gateway' | 'identity' | 'invitations' | 'profiles' | 'admin' | 'labeling';
const PUBLIC_KEY = /^U[A-Z2-7]{55}$/;

/** `{ "identity": "U…", … }`: public keys are not secrets, but a wrong one stops the app at boot. */
function readPublicKeys(path: string): Partial<Record<BusAppName, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new ConfigError([`NATS_PUBLIC_KEYS_FILE: cannot read JSON from ${path}`]);
  }
  const keys = z.record(z.string().regex(PUBLIC_KEY)).safeParse(parsed);
  if (!keys.success)
    throw new ConfigError([`NATS_PUBLIC_KEYS_FILE: ${path} must map app names to public nkeys (U…)`]);
  return keys.data as Partial<Record<BusAppName, string>>;
}

/**
 * The bus settings of an app, from its validated environment. A service that consumes signed
 * events (identity, invitations, profiles) needs the publishers' public keys.
 */
export const busSettings = (
  app: Exclude<BusAppName, 'labeling'>,
  env: {
    NATS_SERVERS: string[];
    NATS_NKEY_SEED: string;
    NATS_TLS_CA_FILE?: string;
    NATS_PUBLIC_KEYS_FILE?: string;
    BUS_TIMEOUT_MS: number;
    SHUTDOWN_GRACE_MS?: number;
  },
  options: { requirePublicKeys?: boolean } = {},
) => {
  if (options.requirePublicKeys && !env.NATS_PUBLIC_KEYS_FILE) {
    throw new ConfigError([
      'NATS_PUBLIC_KEYS_FILE is required: the public keys of the apps whose signed events this service consumes',
    ]);
  }
  return {
    app,
    servers: env.NATS_SERVERS,
    seed: env.NATS_NKEY_SEED,
    tlsCaFile: env.NATS_TLS_CA_FILE,
    publicKeys: env.NATS_PUBLIC_KEYS_FILE ? readPublicKeys(env.NATS_PUBLIC_KEYS_FILE) : undefined,
    timeoutMs: env.BUS_TIMEOUT_MS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
  };
};
