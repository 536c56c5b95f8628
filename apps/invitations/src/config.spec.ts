import { ConfigError } from '@app/config';
import { loadInvitationsConfig } from './config';

const restricted = (env: Record<string, string | undefined>) =>
  loadInvitationsConfig(env).signup.disableSignupWithoutLink;

describe('invitations config', () => {
  it('has working defaults', () => {
    const config = loadInvitationsConfig({});
    expect(config).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/ls_invitations',
      healthPort: 8082,
      nats: { servers: ['nats://127.0.0.1:4222'], timeoutMs: 5000 },
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
