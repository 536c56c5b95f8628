import { availableParallelism } from 'node:os';
import { busSchema, busSettings, databaseUrl, loadConfig, port, positiveInt, secret, z } from '@app/config';
import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from '@app/jwt';
import { checkSignupEmail } from './accounts/account-validation';
import { passwordProblems } from './auth/password-policy';
import { userTokenProblem } from './tokens/user-token-rule';

const DAY_SECONDS = 24 * 60 * 60;

/** The operator's account, created at start-up when it does not exist yet (Label Studio's `start --username`). */
export interface BootstrapAccountSettings {
  email: string;
  password: string;
  token?: string;
  /** The variables the values came from, so an error later can name them. */
  variables: { email: string; password: string; token: string };
}

/**
 * Label Studio's `get_env(name)` tries `LABEL_STUDIO_<name>`, `HEARTEX_<name>` and then the plain
 * `<name>`. The plain names are deliberately not read here: `USERNAME` is the operating system's
 * user on many systems, and would silently create an account.
 */
const BOOTSTRAP_PREFIXES = ['LABEL_STUDIO_', 'HEARTEX_'] as const;
const BOOTSTRAP_NAMES = ['USERNAME', 'PASSWORD', 'USER_TOKEN'] as const;
type BootstrapName = (typeof BOOTSTRAP_NAMES)[number];

const optionalText = z.string().optional();
const bootstrapVariables = Object.fromEntries(
  BOOTSTRAP_PREFIXES.flatMap((prefix) => BOOTSTRAP_NAMES.map((name) => [`${prefix}${name}`, optionalText])),
) as Record<`${(typeof BOOTSTRAP_PREFIXES)[number]}${BootstrapName}`, typeof optionalText>;

export const identityConfigSchema = z
  .object({
    DATABASE_URL: databaseUrl('ls_identity'),
    ...busSchema,
    HEALTH_PORT: port(8081),
    SECRET_KEY: secret('SECRET_KEY'),
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
    /** Password hashes and comparisons run at once (more than the cores only slows each down). */
    PASSWORD_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
    /** Longest a login or signup waits for its turn; a longer predicted wait is a 503 at once. */
    PASSWORD_QUEUE_MAX_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
    SESSION_MAX_AGE_SECONDS: positiveInt(14 * DAY_SECONDS),
    LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: positiveInt(10),
    LOGIN_MAX_ATTEMPTS_PER_CLIENT: positiveInt(100),
    LOGIN_WINDOW_SECONDS: positiveInt(300),
    /** Access tokens (what a personal access token buys at `/api/token/refresh/`); simple-jwt's 5 minutes. */
    JWT_ACCESS_TOKEN_LIFETIME_SECONDS: z.coerce
      .number()
      .int()
      .min(10)
      .max(MAX_ACCESS_TOKEN_LIFETIME_SECONDS)
      .default(300),
    /** Personal access tokens: Label Studio's 200 years unless shortened. */
    JWT_PERSONAL_TOKEN_LIFETIME_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(200 * 365)
      .default(200 * 365),
    /** A new signing key this often (0: only when the operator rotates). */
    JWT_SIGNING_KEY_ROTATION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
    /** Growing login delays: the first, after the limit is reached; each failure after doubles it, up to the longest. */
    LOGIN_FIRST_DELAY_SECONDS: positiveInt(1),
    LOGIN_MAX_DELAY_SECONDS: positiveInt(900),
    ...bootstrapVariables,
  })
  .transform((env, ctx) => {
    const {
      LABEL_STUDIO_USERNAME,
      LABEL_STUDIO_PASSWORD,
      LABEL_STUDIO_USER_TOKEN,
      HEARTEX_USERNAME,
      HEARTEX_PASSWORD,
      HEARTEX_USER_TOKEN,
      ...settings
    } = env;
    const variables = {
      LABEL_STUDIO_USERNAME,
      LABEL_STUDIO_PASSWORD,
      LABEL_STUDIO_USER_TOKEN,
      HEARTEX_USERNAME,
      HEARTEX_PASSWORD,
      HEARTEX_USER_TOKEN,
    };
    const bootstrap = bootstrapAccount(variables, (variable, message) =>
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [variable], message }),
    );
    return {
      ...settings,
      nats: busSettings('identity', settings, { requirePublicKeys: true }),
      BOOTSTRAP_ACCOUNT: bootstrap,
    };
  });

/** The first variable of `name` that is set (an empty value counts as unset), and its value. */
function lookup(env: Record<string, string | undefined>, name: BootstrapName): [string, string | undefined] {
  for (const prefix of BOOTSTRAP_PREFIXES) {
    const value = env[`${prefix}${name}`];
    if (value !== undefined && value !== '') return [`${prefix}${name}`, value];
  }
  return [`${BOOTSTRAP_PREFIXES[0]}${name}`, undefined];
}

function bootstrapAccount(
  env: Record<string, string | undefined>,
  problem: (variable: string, message: string) => void,
): BootstrapAccountSettings | null {
  const [emailVariable, email] = lookup(env, 'USERNAME');
  const [passwordVariable, password] = lookup(env, 'PASSWORD');
  const [tokenVariable, token] = lookup(env, 'USER_TOKEN');
  if (email === undefined && password === undefined) {
    if (token !== undefined) {
      problem(tokenVariable, `is only used together with ${emailVariable} and ${passwordVariable}`);
    }
    return null;
  }
  if (email === undefined) problem(emailVariable, `must be set together with ${passwordVariable}`);
  if (password === undefined) problem(passwordVariable, `must be set together with ${emailVariable}`);
  if (email === undefined || password === undefined) return null;

  const checked = checkSignupEmail(email);
  for (const message of checked.errors) problem(emailVariable, `${message} (the account's email)`);
  for (const message of passwordProblems(password, checked.value)) problem(passwordVariable, message);
  const tokenProblem = token === undefined ? null : userTokenProblem(token);
  if (tokenProblem) problem(tokenVariable, tokenProblem);
  return {
    email: checked.value,
    password,
    ...(token === undefined ? {} : { token }),
    variables: { email: emailVariable, password: passwordVariable, token: tokenVariable },
  };
}

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
