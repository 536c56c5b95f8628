import { ConfigError } from '@app/config';
import { loadProfilesConfig } from './config';

const STORAGE = { MINIO_ENDPOINT: 'minio', MINIO_ACCESS_KEY: 'access', MINIO_SECRET_KEY: 'secret-key' };

describe('loadProfilesConfig', () => {
  it('has working defaults for a local machine once storage credentials are given', () => {
    expect(loadProfilesConfig(STORAGE)).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/ls_profiles',
      healthPort: 8083,
      nats: { servers: ['nats://127.0.0.1:4222'], timeoutMs: 5000 },
      logLevel: 'info',
      storage: {
        endPoint: 'minio',
        port: 9000,
        useSSL: false,
        accessKey: 'access',
        secretKey: 'secret-key',
        bucket: 'avatars',
        region: 'us-east-1',
        timeoutMs: 5000,
      },
      avatar: { maxWidth: 512, maxHeight: 512 },
      sweeper: { intervalSeconds: 60, graceSeconds: 300 },
    });
  });

  it('requires the storage endpoint and credentials, with no built-in default', () => {
    const load = () => loadProfilesConfig({});
    expect(load).toThrow(/MINIO_ENDPOINT[\s\S]*MINIO_ACCESS_KEY[\s\S]*MINIO_SECRET_KEY/);
  });

  it('takes scheme and port from an endpoint URL; MINIO_PORT wins', () => {
    const fromUrl = loadProfilesConfig({ ...STORAGE, MINIO_ENDPOINT: 'https://s3.example.com:8443' }).storage;
    expect(fromUrl).toMatchObject({ endPoint: 's3.example.com', port: 8443, useSSL: true });
    const withPort = loadProfilesConfig({
      ...STORAGE,
      MINIO_ENDPOINT: 'http://s3.local',
      MINIO_PORT: '9100',
    });
    expect(withPort.storage).toMatchObject({ endPoint: 's3.local', port: 9100, useSSL: false });
  });

  it('makes the avatar limit configurable within bounds', () => {
    expect(
      loadProfilesConfig({ ...STORAGE, AVATAR_MAX_WIDTH: '1200', AVATAR_MAX_HEIGHT: '800' }).avatar,
    ).toEqual({ maxWidth: 1200, maxHeight: 800 });
    expect(() => loadProfilesConfig({ ...STORAGE, AVATAR_MAX_WIDTH: '100000' })).toThrow(/AVATAR_MAX_WIDTH/);
    expect(() => loadProfilesConfig({ ...STORAGE, MINIO_BUCKET: 'Bad_Bucket' })).toThrow(/MINIO_BUCKET/);
  });

  it('reads the bus servers as a comma-separated list', () => {
    expect(
      loadProfilesConfig({ ...STORAGE, NATS_SERVERS: 'nats://a:4222, nats://b:4222' }).nats.servers,
    ).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('stops with the names of every bad variable', () => {
    const load = () => loadProfilesConfig({ ...STORAGE, HEALTH_PORT: 'http', DATABASE_URL: 'mysql://x/y' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/HEALTH_PORT[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*HEALTH_PORT/);
  });
});
