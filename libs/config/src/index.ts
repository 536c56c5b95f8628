import { readFileSync } from 'node:fs';
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

/** Validates the environment once, at boot, into a typed object. */
export function loadConfig<S extends z.ZodTypeAny>(schema: S, env: Env = process.env): z.infer<S> {
  const result = schema.safeParse(withFileSecrets(env));
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

/** Infrastructure every service shares: the bus and its request timeout. */
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
  BUS_TIMEOUT_MS: positiveInt(5000),
  LOG_LEVEL: logLevel,
};

export const databaseUrl = (defaultDatabase: string) =>
  z
    .string()
    .default(`postgres://postgres@127.0.0.1:5432/${defaultDatabase}`)
    .refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// URL');

/** A secret of at least 32 characters; there is deliberately no default. */
export const secret = (name: string) =>
  z
    .string({ required_error: `${name} is required (set it or ${name}_FILE)` })
    .min(32, `${name} must be at least 32 characters`);
