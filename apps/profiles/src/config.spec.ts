import { ConfigError } from '@app/config';
import { configTestBus } from '../../../test/support/bus-env';
import { loadProfilesConfig as loadConfigOf } from './config';

const STORAGE = { MINIO_ENDPOINT: 'minio', MINIO_ACCESS_KEY: 'access', MINIO_SECRET_KEY: 'secret-key' };
/** The service's own NATS credentials and the publishers' public keys: required, no fallback. */
const bus = configTestBus();
const SEED = bus.seed;
afterAll(() => bus.dispose());
const loadProfilesConfig = (env: Record<string, string | undefined>) => loadConfigOf({ ...bus.env, ...env });

describe('loadProfilesConfig', () => {
  it('has working defaults for a local machine once storage credentials are given', () => {
    expect(loadProfilesConfig(STORAGE)).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/ls_profiles',
      healthPort: 8083,
      nats: {
        app: 'profiles',
        servers: ['nats://127.0.0.1:4222'],
        seed: SEED,
        tlsCaFile: undefined,
        publicKeys: bus.publicKeys,
        timeoutMs: 5000,
        shutdownGraceMs: 20000,
      },
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

  it("refuses to start without the publishers' public keys, or with a file that does not hold them", () => {
    expect(() => loadConfigOf({ ...STORAGE, NATS_NKEY_SEED: SEED })).toThrow(
      expect.objectContaining({
        constructor: ConfigError,
        message: expect.stringContaining('NATS_PUBLIC_KEYS_FILE'),
      }),
    );
    expect(() =>
      loadConfigOf({ ...STORAGE, ...bus.env, NATS_PUBLIC_KEYS_FILE: `${bus.publicKeysFile}.missing` }),
    ).toThrow(/NATS_PUBLIC_KEYS_FILE: cannot read/);
    expect(() =>
      loadConfigOf({ ...STORAGE, ...bus.env, NATS_PUBLIC_KEYS_FILE: bus.invalidPublicKeysFile }),
    ).toThrow(/NATS_PUBLIC_KEYS_FILE: .* must map app names to public nkeys/);
  });

  it('refuses to start without its NATS seed, or with one that is not a user seed, naming NATS_NKEY_SEED', () => {
    expect(() => loadConfigOf({ ...STORAGE, NATS_PUBLIC_KEYS_FILE: bus.publicKeysFile })).toThrow(
      expect.objectContaining({
        constructor: ConfigError,
        message: expect.stringContaining('NATS_NKEY_SEED'),
      }),
    );
    for (const seed of ['not-a-seed', SEED.slice(0, -1), SEED.replace(/^SU/, 'SA')]) {
      expect(() => loadConfigOf({ ...STORAGE, ...bus.env, NATS_NKEY_SEED: seed })).toThrow(
        expect.objectContaining({
          constructor: ConfigError,
          message: expect.stringContaining('NATS_NKEY_SEED must be a NATS user seed'),
        }),
      );
    }
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
