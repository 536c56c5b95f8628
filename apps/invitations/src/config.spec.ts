import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@app/config';
import { configTestBus } from '../../../test/support/bus-env';
import { loadInvitationsConfig as loadConfigOf } from './config';

/** The service's own NATS credentials and the publishers' public keys: required, no fallback. */
const bus = configTestBus();
const SEED = bus.seed;
afterAll(() => bus.dispose());
const loadInvitationsConfig = (env: Record<string, string | undefined>) =>
  loadConfigOf({ ...bus.env, ...env });

const restricted = (env: Record<string, string | undefined>) =>
  loadInvitationsConfig(env).signup.disableSignupWithoutLink;

describe('invitations config', () => {
  it('has working defaults', () => {
    const config = loadInvitationsConfig({});
    expect(config).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/ls_invitations',
      healthPort: 8082,
      nats: {
        app: 'invitations',
        servers: ['nats://127.0.0.1:4222'],
        seed: SEED,
        tlsCaFile: undefined,
        publicKeys: bus.publicKeys,
        timeoutMs: 5000,
        shutdownGraceMs: 20000,
      },
      logLevel: 'info',
      signup: { disableSignupWithoutLink: false },
    });
  });

  it.each(['true', 'TRUE', 'yes', 'On', '1', ' true '])('reads %j as signup restricted', (word) => {
    expect(restricted({ LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK: word })).toBe(true);
  });

  it.each(['false', 'no', 'not', 'OFF', '0', ''])('reads %j as signup open', (word) => {
    expect(restricted({ LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK: word })).toBe(false);
  });

  it('falls back to HEARTEX_ and then the bare name, like Label Studio', () => {
    expect(restricted({ HEARTEX_DISABLE_SIGNUP_WITHOUT_LINK: 'true' })).toBe(true);
    expect(restricted({ DISABLE_SIGNUP_WITHOUT_LINK: 'true' })).toBe(true);
    expect(
      restricted({
        LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK: 'false',
        HEARTEX_DISABLE_SIGNUP_WITHOUT_LINK: 'true',
      }),
    ).toBe(false);
    expect(
      restricted({ HEARTEX_DISABLE_SIGNUP_WITHOUT_LINK: 'no', DISABLE_SIGNUP_WITHOUT_LINK: 'yes' }),
    ).toBe(false);
  });

  it('refuses a word that is not a boolean, naming the variable that was set', () => {
    expect(() => loadInvitationsConfig({ DISABLE_SIGNUP_WITHOUT_LINK: 'maybe' })).toThrow(
      expect.objectContaining({
        constructor: ConfigError,
        message: expect.stringContaining('DISABLE_SIGNUP_WITHOUT_LINK: "maybe" is not a boolean'),
      }),
    );
    expect(() => loadInvitationsConfig({ LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK: 'enabled' })).toThrow(
      /LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK: "enabled" is not a boolean/,
    );
  });

  it("refuses to start without the publishers' public keys, or with a file that does not hold them", () => {
    expect(() => loadConfigOf({ NATS_NKEY_SEED: SEED })).toThrow(
      expect.objectContaining({
        constructor: ConfigError,
        message: expect.stringContaining('NATS_PUBLIC_KEYS_FILE'),
      }),
    );
    expect(() =>
      loadConfigOf({ ...bus.env, NATS_PUBLIC_KEYS_FILE: `${bus.publicKeysFile}.missing` }),
    ).toThrow(/NATS_PUBLIC_KEYS_FILE: cannot read/);
    expect(() => loadConfigOf({ ...bus.env, NATS_PUBLIC_KEYS_FILE: bus.invalidPublicKeysFile })).toThrow(
      /NATS_PUBLIC_KEYS_FILE: .* must map app names to public nkeys/,
    );
  });

  it('refuses to start without its NATS seed, or with one that is not a user seed, naming NATS_NKEY_SEED', () => {
    expect(() => loadConfigOf({ NATS_PUBLIC_KEYS_FILE: bus.publicKeysFile })).toThrow(
      expect.objectContaining({
        constructor: ConfigError,
        message: expect.stringContaining('NATS_NKEY_SEED'),
      }),
    );
    for (const seed of ['not-a-seed', SEED.slice(0, -1), SEED.replace(/^SU/, 'SA'), `${SEED}AA`]) {
      expect(() => loadConfigOf({ ...bus.env, NATS_NKEY_SEED: seed })).toThrow(
        expect.objectContaining({
          constructor: ConfigError,
          message: expect.stringContaining('NATS_NKEY_SEED must be a NATS user seed'),
        }),
      );
    }
  });

  it('reads its NATS seed from NATS_NKEY_SEED_FILE too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'invitations-config-'));
    try {
      writeFileSync(join(dir, 'invitations.nk'), `${SEED}\n`);
      const config = loadConfigOf({
        NATS_NKEY_SEED_FILE: join(dir, 'invitations.nk'),
        NATS_PUBLIC_KEYS_FILE: bus.publicKeysFile,
      });
      expect(config.nats.seed).toBe(SEED);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports every bad variable at once', () => {
    let problems: string[] = [];
    try {
      loadInvitationsConfig({ HEALTH_PORT: 'eighty', HEARTEX_DISABLE_SIGNUP_WITHOUT_LINK: 'sure' });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^HEALTH_PORT: /),
      expect.stringMatching(/^HEARTEX_DISABLE_SIGNUP_WITHOUT_LINK: "sure" is not a boolean/),
    ]);
  });
});
