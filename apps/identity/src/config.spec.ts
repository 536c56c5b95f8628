import { ConfigError } from '@app/config';
import { loadIdentityConfig } from './config';

const SECRET = 'k'.repeat(32);

describe('identity configuration', () => {
  it('has the documented defaults', () => {
    expect(loadIdentityConfig({ SECRET_KEY: SECRET })).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ls_identity',
      NATS_SERVERS: ['nats://127.0.0.1:4222'],
      HEALTH_PORT: 8081,
      BCRYPT_COST: 12,
      SESSION_MAX_AGE_SECONDS: 14 * 24 * 3600,
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: 10,
      LOGIN_MAX_ATTEMPTS_PER_CLIENT: 100,
      LOGIN_WINDOW_SECONDS: 300,
    });
  });

  it('requires SECRET_KEY, with no built-in fallback', () => {
    expect(() => loadIdentityConfig({})).toThrow(/SECRET_KEY is required/);
    expect(() => loadIdentityConfig({ SECRET_KEY: 'short' })).toThrow(ConfigError);
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
