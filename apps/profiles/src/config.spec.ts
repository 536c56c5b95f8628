import { ConfigError } from '@app/config';
import { loadProfilesConfig } from './config';

describe('loadProfilesConfig', () => {
  it('has working defaults for a local machine', () => {
    expect(loadProfilesConfig({})).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/ls_profiles',
      healthPort: 8083,
      nats: { servers: ['nats://127.0.0.1:4222'], timeoutMs: 5000 },
      logLevel: 'info',
    });
  });

  it('reads the bus servers as a comma-separated list', () => {
    expect(loadProfilesConfig({ NATS_SERVERS: 'nats://a:4222, nats://b:4222' }).nats.servers).toEqual([
      'nats://a:4222',
      'nats://b:4222',
    ]);
  });

  it('stops with the names of every bad variable', () => {
    const load = () => loadProfilesConfig({ HEALTH_PORT: 'http', DATABASE_URL: 'mysql://x/y' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/HEALTH_PORT[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*HEALTH_PORT/);
  });
});
