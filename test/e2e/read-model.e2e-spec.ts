import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { readJson, TestBrowser, tokenHeaders, UserBody } from '../support/http-client';
import { eventually, startTestStack, TestStack } from '../support/stack';

const LABEL_STUDIO = resolve(__dirname, '../../bin/label-studio.js');
const PASSWORD = 'a long password 1';

/**
 * Two gateway replicas, each with its own read model fed by the owners' events: they authenticate
 * and render the current user without asking anyone, revocations hold at once on the replica that
 * served them and reach the other one, and nothing just created is refused anywhere.
 */
describe('the gateway read model, across two replicas', () => {
  let sut: TestStack;
  let a: string;
  let b: string;

  const whoami = (base: string, headers: Record<string, string>) =>
    fetch(`${base}/api/current-user/whoami`, { headers });
  const status = async (base: string, headers: Record<string, string>) =>
    (await whoami(base, headers)).status;
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, [LABEL_STUDIO, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...sut.nats.envFor('admin'), BUS_TIMEOUT_MS: '3000' },
      timeout: 30_000,
    });

  async function newUser(email: string) {
    const browser = new TestBrowser(a);
    expect((await browser.signup(email, PASSWORD)).status).toBe(302);
    const { token } = await readJson<{ token: string }>(await browser.get('/api/current-user/token'));
    return { browser, token, cookie: `sessionid=${browser.cookies.get('sessionid')}` };
  }

  beforeAll(async () => {
    sut = await startTestStack({}, { gatewayReplicas: 2 });
    [a, b] = sut.baseUrls;
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  it('accepts what was just created on either replica, and is ready only once caught up', async () => {
    for (const base of sut.baseUrls) {
      const ready = await readJson<{ info: Record<string, { status: string }> }>(
        await fetch(`${base}/health/ready`),
      );
      expect(ready.info.readModel).toEqual({ status: 'up' });
    }
    const user = await newUser('fresh@example.com');
    // The other replica has not necessarily heard of them yet: it asks identity, it never refuses.
    expect(await status(b, tokenHeaders(user.token))).toBe(200);
    expect(await status(b, { cookie: user.cookie })).toBe(200);
  });

  it('answers token and session whoami from memory while every service is stopped', async () => {
    const user = await newUser('memory@example.com');
    // Once signup has settled everywhere (profile, membership, the login's last activity).
    const expected = await eventually(async () => {
      const [fromA, fromB] = await Promise.all(
        [a, b].map(async (base) => readJson<UserBody>(await whoami(base, tokenHeaders(user.token)))),
      );
      const settled = fromA.last_activity !== null && fromA.active_organization !== null;
      return settled && JSON.stringify(fromA) === JSON.stringify(fromB) ? fromA : undefined;
    });
    await sut.stack.stopApp('identity');
    await sut.stack.stopApp('invitations');
    await sut.stack.stopApp('profiles');
    try {
      // Nobody can be asked now: every answer comes from the replicas' memory (fed through NATS).
      for (const base of [a, b]) {
        const body = await eventually(async () => {
          const byToken = await whoami(base, tokenHeaders(user.token));
          return byToken.status === 200 ? readJson<UserBody>(byToken) : undefined;
        });
        expect(body).toEqual(expected);
        expect(await status(base, { cookie: user.cookie })).toBe(200);
      }
      // What the model cannot know is still refused (asking identity, which is down: 503).
      expect(await status(a, tokenHeaders('f'.repeat(40)))).toBe(503);
    } finally {
      await sut.stack.start(['identity', 'invitations', 'profiles']);
    }
  });

  it('refuses a reset token at once where it was reset, and everywhere soon after', async () => {
    const user = await newUser('reset@example.com');
    await eventually(async () => ((await status(b, tokenHeaders(user.token))) === 200 ? true : undefined));
    const reset = await user.browser.api('POST', '/api/current-user/reset-token/');
    expect(reset.status).toBe(201);
    const { token: fresh } = await readJson<{ token: string }>(reset);
    expect(await status(a, tokenHeaders(user.token))).toBe(401);
    expect(await status(a, tokenHeaders(fresh))).toBe(200);
    expect(await status(b, tokenHeaders(fresh))).toBe(200);
    await eventually(async () => ((await status(b, tokenHeaders(user.token))) === 401 ? true : undefined));
  });

  it('ends a session everywhere at logout', async () => {
    const user = await newUser('logout@example.com');
    const cookie = { cookie: user.cookie };
    await eventually(async () => ((await status(b, cookie)) === 200 ? true : undefined));
    await user.browser.get('/logout');
    expect((await user.browser.postForm('/logout', {})).status).toBe(302);
    expect(await status(a, cookie)).toBe(401);
    await eventually(async () => ((await status(b, cookie)) === 401 ? true : undefined));
  });

  it('refuses a user the operator deactivated on every replica, and takes them back when reactivated', async () => {
    const user = await newUser('inactive@example.com');
    await eventually(async () => ((await status(b, tokenHeaders(user.token))) === 200 ? true : undefined));
    await cli(['deactivate_user', '--username', 'inactive@example.com']);
    for (const base of [a, b]) {
      await eventually(async () => {
        const res = await whoami(base, tokenHeaders(user.token));
        if (res.status !== 401) return undefined;
        return (await readJson<{ detail: string }>(res)).detail === 'User inactive or deleted.'
          ? true
          : undefined;
      });
      await eventually(async () =>
        (await status(base, { cookie: user.cookie })) === 401 ? true : undefined,
      );
    }
    await cli(['activate_user', '--username', 'inactive@example.com']);
    for (const base of [a, b]) {
      await eventually(async () =>
        (await status(base, tokenHeaders(user.token))) === 200 ? true : undefined,
      );
    }
  });
});
