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
