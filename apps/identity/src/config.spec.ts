import { ConfigError } from '@app/config';
import { configTestBus } from '../../../test/support/bus-env';
import { loadIdentityConfig as loadConfigOf } from './config';

const SECRET = 'k'.repeat(32);
/** The service's own NATS credentials and the publishers' public keys: required, no fallback. */
const bus = configTestBus();
const SEED = bus.seed;
afterAll(() => bus.dispose());
const loadIdentityConfig = (env: Record<string, string | undefined>) => loadConfigOf({ ...bus.env, ...env });

describe('identity configuration', () => {
  it('has the documented defaults', () => {
    expect(loadIdentityConfig({ SECRET_KEY: SECRET })).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ls_identity',
      NATS_SERVERS: ['nats://127.0.0.1:4222'],
      nats: {
        app: 'identity',
        servers: ['nats://127.0.0.1:4222'],
        seed: SEED,
        tlsCaFile: undefined,
        publicKeys: bus.publicKeys,
        timeoutMs: 5000,
        shutdownGraceMs: 20000,
      },
      HEALTH_PORT: 8081,
      BCRYPT_COST: 12,
      SESSION_MAX_AGE_SECONDS: 14 * 24 * 3600,
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: 10,
      LOGIN_MAX_ATTEMPTS_PER_CLIENT: 100,
      LOGIN_WINDOW_SECONDS: 300,
      LOGIN_FIRST_DELAY_SECONDS: 1,
      LOGIN_MAX_DELAY_SECONDS: 900,
    });
  });

  it('requires SECRET_KEY, with no built-in fallback', () => {
    expect(() => loadIdentityConfig({})).toThrow(/SECRET_KEY is required/);
    expect(() => loadIdentityConfig({ SECRET_KEY: 'short' })).toThrow(ConfigError);
  });

  it("refuses to start without the publishers' public keys, or with a file that does not hold them", () => {
    expect(() => loadConfigOf({ SECRET_KEY: SECRET, NATS_NKEY_SEED: SEED })).toThrow(
      expect.objectContaining({
        constructor: ConfigError,
        message: expect.stringContaining('NATS_PUBLIC_KEYS_FILE'),
      }),
    );
    expect(() =>
      loadConfigOf({
        SECRET_KEY: SECRET,
        ...bus.env,
        NATS_PUBLIC_KEYS_FILE: `${bus.publicKeysFile}.missing`,
      }),
    ).toThrow(/NATS_PUBLIC_KEYS_FILE: cannot read/);
    expect(() =>
      loadConfigOf({ SECRET_KEY: SECRET, ...bus.env, NATS_PUBLIC_KEYS_FILE: bus.invalidPublicKeysFile }),
    ).toThrow(/NATS_PUBLIC_KEYS_FILE: .* must map app names to public nkeys/);
  });

  it('refuses to start without its NATS seed, or with one that is not a user seed, naming NATS_NKEY_SEED', () => {
    expect(() => loadConfigOf({ SECRET_KEY: SECRET, NATS_PUBLIC_KEYS_FILE: bus.publicKeysFile })).toThrow(
      expect.objectContaining({
        constructor: ConfigError,
        message: expect.stringContaining('NATS_NKEY_SEED'),
      }),
    );
    for (const seed of ['not-a-seed', SEED.slice(0, -1), SEED.replace(/^SU/, 'SA')]) {
      expect(() => loadConfigOf({ SECRET_KEY: SECRET, ...bus.env, NATS_NKEY_SEED: seed })).toThrow(
        expect.objectContaining({
          constructor: ConfigError,
          message: expect.stringContaining('NATS_NKEY_SEED must be a NATS user seed'),
        }),
      );
    }
  });

  it.each(['3', '16', 'twelve'])('refuses BCRYPT_COST=%s, naming the variable', (cost) => {
    expect(() => loadIdentityConfig({ SECRET_KEY: SECRET, BCRYPT_COST: cost })).toThrow(/BCRYPT_COST/);
  });
});

describe('the bootstrap account (LABEL_STUDIO_USERNAME / _PASSWORD / _USER_TOKEN)', () => {
  const load = (env: Record<string, string>) => loadIdentityConfig({ SECRET_KEY: SECRET, ...env });
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      load(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('is off without the variables', () => {
    expect(load({}).BOOTSTRAP_ACCOUNT).toBeNull();
  });

  it('reads the account, normalising the email, and keeps the variables out of the settings', () => {
    const config = load({
      LABEL_STUDIO_USERNAME: ' Admin@Example.com ',
      LABEL_STUDIO_PASSWORD: 'Correct-Horse-9',
      LABEL_STUDIO_USER_TOKEN: 'abcde',
    });
    expect(config.BOOTSTRAP_ACCOUNT).toEqual({
      email: 'admin@example.com',
      password: 'Correct-Horse-9',
      token: 'abcde',
      variables: {
        email: 'LABEL_STUDIO_USERNAME',
        password: 'LABEL_STUDIO_PASSWORD',
        token: 'LABEL_STUDIO_USER_TOKEN',
      },
    });
    expect(config).not.toHaveProperty('LABEL_STUDIO_PASSWORD');
  });

  it('falls back to HEARTEX_ names, LABEL_STUDIO_ winning, but never to plain USERNAME', () => {
    expect(
      load({ HEARTEX_USERNAME: 'h@example.com', HEARTEX_PASSWORD: 'Correct-Horse-9' }).BOOTSTRAP_ACCOUNT,
    ).toMatchObject({ email: 'h@example.com', variables: { email: 'HEARTEX_USERNAME' } });
    expect(
      load({
        LABEL_STUDIO_USERNAME: 'ls@example.com',
        HEARTEX_USERNAME: 'h@example.com',
        HEARTEX_PASSWORD: 'Correct-Horse-9',
      }).BOOTSTRAP_ACCOUNT,
    ).toMatchObject({ email: 'ls@example.com' });
    expect(load({ USERNAME: 'root', PASSWORD: 'Correct-Horse-9' }).BOOTSTRAP_ACCOUNT).toBeNull();
  });

  it('treats an empty value as unset', () => {
    expect(load({ LABEL_STUDIO_USERNAME: '', LABEL_STUDIO_PASSWORD: '' }).BOOTSTRAP_ACCOUNT).toBeNull();
  });

  it.each([
    [{ LABEL_STUDIO_USERNAME: 'a@example.com' }, 'LABEL_STUDIO_PASSWORD: must be set together'],
    [{ LABEL_STUDIO_PASSWORD: 'Correct-Horse-9' }, 'LABEL_STUDIO_USERNAME: must be set together'],
    [{ LABEL_STUDIO_USER_TOKEN: 'abcdef' }, 'LABEL_STUDIO_USER_TOKEN: is only used together'],
  ])('refuses one variable alone: %j', (env, message) => {
    expect(problemsOf(env).join('\n')).toContain(message);
  });

  it.each([
    ['abcd', 'LABEL_STUDIO_USER_TOKEN: Token must be at least 5 characters'],
    ['abc defg', 'LABEL_STUDIO_USER_TOKEN: Token must be printable characters without spaces'],
    ['x'.repeat(41), 'LABEL_STUDIO_USER_TOKEN: Token must be at most 40 characters'],
  ])('refuses the token %j, naming the variable', (token, message) => {
    expect(
      problemsOf({
        LABEL_STUDIO_USERNAME: 'a@example.com',
        LABEL_STUDIO_PASSWORD: 'Correct-Horse-9',
        LABEL_STUDIO_USER_TOKEN: token,
      }),
    ).toEqual([message]);
  });

  it('names the HEARTEX_ variable when that is the one set', () => {
    expect(
      problemsOf({
        HEARTEX_USERNAME: 'a@example.com',
        HEARTEX_PASSWORD: 'Correct-Horse-9',
        HEARTEX_USER_TOKEN: 'abc',
      }),
    ).toEqual(['HEARTEX_USER_TOKEN: Token must be at least 5 characters']);
  });

  it('applies the signup policy to the email and the password', () => {
    expect(problemsOf({ LABEL_STUDIO_USERNAME: 'not-an-email', LABEL_STUDIO_PASSWORD: 'short' })).toEqual([
      "LABEL_STUDIO_USERNAME: Enter a valid email address. (the account's email)",
      'LABEL_STUDIO_PASSWORD: Please enter a password 8\u2013128 characters in length.',
    ]);
  });

  it('never puts the password in a message', () => {
    const problems = problemsOf({ LABEL_STUDIO_USERNAME: 'x', LABEL_STUDIO_PASSWORD: 'secret1' });
    expect(problems.join('\n')).not.toContain('secret1');
  });
});
