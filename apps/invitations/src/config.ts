import {
  busSchema,
  busSettings,
  ConfigError,
  databaseUrl,
  loadConfig,
  lsBoolean,
  port,
  z,
} from '@app/config';

type Env = Record<string, string | undefined>;

const infrastructureSchema = z
  .object({
    DATABASE_URL: databaseUrl('ls_invitations'),
    HEALTH_PORT: port(8082),
    ...busSchema,
  })
  .transform((env) => ({
    databaseUrl: env.DATABASE_URL,
    healthPort: env.HEALTH_PORT,
    nats: busSettings('invitations', env, { requirePublicKeys: true }),
    logLevel: env.LOG_LEVEL,
  }));

/**
 * Label Studio's `get_env('DISABLE_SIGNUP_WITHOUT_LINK')` looks these names up in this order and
 * reads the first one that is set. An empty value counts as unset here (as everywhere in lsBoolean).
 */
export const SIGNUP_WITHOUT_LINK_VARIABLES = [
  'LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK',
  'HEARTEX_DISABLE_SIGNUP_WITHOUT_LINK',
  'DISABLE_SIGNUP_WITHOUT_LINK',
] as const;

/** Only the variable that wins is validated, so the error names the one the operator set. */
function signupSchema(env: Env) {
  const variable =
    SIGNUP_WITHOUT_LINK_VARIABLES.find((name) => (env[name] ?? '').trim() !== '') ??
    SIGNUP_WITHOUT_LINK_VARIABLES[0];
  return z.object({ [variable]: lsBoolean(false) }).transform((values) => values[variable] ?? false);
}

export interface SignupSettings {
  /** `DISABLE_SIGNUP_WITHOUT_LINK`: only people with a valid invitation link may sign up. */
  disableSignupWithoutLink: boolean;
}

export type InvitationsConfig = z.infer<typeof infrastructureSchema> & { signup: SignupSettings };

/** The only place the invitations service reads its environment; throws ConfigError naming every bad variable. */
export function loadInvitationsConfig(env: Env = process.env): InvitationsConfig {
  const problems: string[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const infrastructure = attempt(() => loadConfig(infrastructureSchema, env));
  const disableSignupWithoutLink = attempt(() => loadConfig(signupSchema(env), env));
  if (!infrastructure || disableSignupWithoutLink === undefined) throw new ConfigError(problems);
  return { ...infrastructure, signup: { disableSignupWithoutLink } };
}
