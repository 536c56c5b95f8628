import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { readJson, TestBrowser, tokenHeaders } from '../support/http-client';
import { eventually, startTestStack, TestStack } from '../support/stack';

const LABEL_STUDIO = resolve(__dirname, '../../bin/label-studio.js');
const PASSWORD = 'a long password 1';
const LEGACY_DISABLED =
  'Authentication token no longer valid: legacy token authentication has been disabled for this organization';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const decode = (token: string) => {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
};
const post = (base: string, path: string, json: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(json),
  });

/**
 * Label Studio's personal access tokens through the gateway, as its SDK uses them: a PAT is made
 * once, exchanged at `/api/token/refresh/` for short-lived access tokens sent as `Bearer`, which
 * two gateway replicas verify on their own; rotation, revocation, the organization's switches,
 * the operator's commands and the revocation of the user all take effect everywhere.
 */
describe('personal access tokens', () => {
  let sut: TestStack;
  let a: string;
  let b: string;
  let owner: TestBrowser;
  let organizationId: number;

  const whoami = (base: string, headers: Record<string, string>) =>
    fetch(`${base}/api/current-user/whoami`, { headers });
  const status = async (base: string, headers: Record<string, string>) =>
    (await whoami(base, headers)).status;
  const everywhere = async (headers: Record<string, string>, expected: number) => {
    for (const base of [a, b]) {
      await eventually(async () => ((await status(base, headers)) === expected ? true : undefined));
    }
  };
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, [LABEL_STUDIO, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...sut.nats.envFor('admin'), BUS_TIMEOUT_MS: '3000' },
      timeout: 30_000,
    });
  const refresh = async (pat: string, base = a) => {
    const res = await post(base, '/api/token/refresh/', { refresh: pat });
    expect(res.status).toBe(200);
    return (await readJson<{ access: string }>(res)).access;
  };

  async function member(email: string) {
    const { invite_url } = await readJson<{ invite_url: string }>(await owner.get('/api/invite'));
    const browser = new TestBrowser(a);
    expect((await browser.signup(email, PASSWORD, invite_url.replace('/user/signup/', ''))).status).toBe(302);
    const me = await readJson<{ id: number }>(await browser.get('/api/current-user/whoami'));
    const created = await browser.api('POST', '/api/token/');
    expect(created.status).toBe(201);
    const { token: pat } = await readJson<{ token: string }>(created);
    return { browser, id: me.id, pat };
  }

  beforeAll(async () => {
    sut = await startTestStack({}, { gatewayReplicas: 2 });
    [a, b] = sut.baseUrls;
    owner = new TestBrowser(a);
    expect((await owner.signup('owner@example.com', PASSWORD)).status).toBe(302);
    const me = await readJson<{ active_organization: number }>(await owner.get('/api/current-user/whoami'));
    organizationId = me.active_organization;
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  it('creates a PAT once, lists it without its signature, and exchanges it for access tokens both replicas accept', async () => {
    const me = await readJson<{ id: number }>(await owner.get('/api/current-user/whoami'));
    expect(await readJson(await owner.get('/api/token/'))).toEqual([]);

    const created = await owner.api('POST', '/api/token/');
    expect(created.status).toBe(201);
    const body = await readJson<{ token: string }>(created);
    expect(Object.keys(body)).toEqual(['token']);
    const pat = body.token;
    const { header, claims } = decode(pat);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'JWT' });
    expect(typeof header.kid).toBe('string');
    expect(Object.keys(claims)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
    expect(claims).toMatchObject({ token_type: 'refresh', user_id: me.id });
    expect(claims.exp as number).toBeGreaterThan(Date.now() / 1000 + 100 * 365 * 86400);

    const again = await owner.api('POST', '/api/token/');
    expect(again.status).toBe(409);
    expect(await readJson(again)).toMatchObject({
      status_code: 409,
      detail: 'You already have a valid token. Please revoke it before creating a new one.',
    });
    expect(await readJson(await owner.get('/api/token/'))).toEqual([
      { token: pat.split('.').slice(0, 2).join('.') },
    ]);

    const access = await refresh(pat);
    const accessToken = decode(access);
    expect(accessToken.header.kid).toBe(header.kid);
    expect(accessToken.claims).toMatchObject({ token_type: 'access', user_id: me.id });
    expect((accessToken.claims.exp as number) - (accessToken.claims.iat as number)).toBe(300);

    // Verified by each replica on its own: the same user, by Bearer and by X-Api-Key.
    for (const base of [a, b]) {
      const res = await whoami(base, bearer(access));
      expect(res.status).toBe(200);
      expect((await readJson<{ id: number }>(res)).id).toBe(me.id);
      expect(await status(base, { 'x-api-key': access })).toBe(200);
      // A PAT is no access token, anywhere but at the refresh endpoint.
      expect(await status(base, bearer(pat))).toBe(401);
      expect(await status(base, { 'x-api-key': pat })).toBe(401);
    }
    // A forged claim or signature, or an access token offered as a refresh token, is refused.
    const [h, p, s] = access.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...accessToken.claims, user_id: me.id + 1 })).toString('base64url')}.${s}`;
    expect(await status(a, bearer(forged))).toBe(401);
    expect(await status(a, bearer(`${h}.${p}.${'A'.repeat(86)}`))).toBe(401);
    const wrongType = await post(a, '/api/token/refresh/', { refresh: access });
    expect(wrongType.status).toBe(401);
    expect(wrongType.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(await readJson(wrongType)).toMatchObject({ detail: 'Token is invalid or expired' });
    const missing = await post(a, '/api/token/refresh/', {});
    expect(missing.status).toBe(400);
    expect(await readJson(missing)).toMatchObject({
      validation_errors: { refresh: ['This field is required.'] },
    });

    // Never stored, never logged.
    const rows = await sut.query('identity', 'SELECT * FROM personal_access_token');
    expect(JSON.stringify(rows)).not.toContain(pat.split('.')[2]);
    for (const secret of [pat, access]) {
      expect(sut.logs.some(({ line }) => line.includes(secret.split('.')[2]))).toBe(false);
    }
    await owner.api('POST', '/api/token/blacklist/', { refresh: pat });
  });

  it('rotates: the old PAT stops minting, the new one works; blacklisting answers 204, then 404', async () => {
    const created = await readJson<{ token: string }>(await owner.api('POST', '/api/token/'));
    const access = await refresh(created.token);

    const rotated = await post(a, '/api/token/rotate/', { refresh: created.token }, bearer(access));
    expect(rotated.status).toBe(200);
    const { refresh: next } = await readJson<{ refresh: string }>(rotated);
    expect(next).not.toBe(created.token);
    const old = await post(a, '/api/token/refresh/', { refresh: created.token });
    expect(old.status).toBe(401);
    expect(await readJson(old)).toMatchObject({ detail: 'Token is blacklisted' });
    const again = await post(a, '/api/token/rotate/', { refresh: created.token }, bearer(access));
    expect(again.status).toBe(400);
    expect(await readJson(again)).toMatchObject({
      validation_errors: { non_field_errors: ['Invalid refresh token'] },
    });
    const fresh = await refresh(next, b);
    expect(await status(b, bearer(fresh))).toBe(200);

    const blacklisted = await post(a, '/api/token/blacklist/', { refresh: next });
    expect(blacklisted.status).toBe(204);
    expect(await blacklisted.text()).toBe('');
    for (let i = 0; i < 2; i += 1) {
      const repeated = await post(a, '/api/token/blacklist/', { refresh: next });
      expect(repeated.status).toBe(404);
      expect(await readJson(repeated)).toEqual({ detail: 'Token is invalid or already blacklisted.' });
    }
    expect((await post(a, '/api/token/refresh/', { refresh: next })).status).toBe(401);
    expect(await readJson(await owner.get('/api/token/'))).toEqual([]);
  });

  it('revokes by the listed (truncated) form only for its signed-in owner', async () => {
    const alice = await member('alice@example.com');
    const [listed] = await readJson<Array<{ token: string }>>(await alice.browser.get('/api/token/'));
    expect(listed.token).toBe(alice.pat.split('.').slice(0, 2).join('.'));
    // Someone else, signed in or not, cannot end it by what a list shows.
    expect((await owner.api('POST', '/api/token/blacklist/', { refresh: listed.token })).status).toBe(404);
    expect((await post(a, '/api/token/blacklist/', { refresh: listed.token })).status).toBe(404);
    expect((await post(a, '/api/token/refresh/', { refresh: alice.pat })).status).toBe(200);
    expect((await alice.browser.api('POST', '/api/token/blacklist/', { refresh: listed.token })).status).toBe(
      204,
    );
    expect((await post(a, '/api/token/refresh/', { refresh: alice.pat })).status).toBe(401);
  });

  it('honours the organization switches on every replica', async () => {
    const settings = await owner.get('/api/jwt/settings');
    expect(await readJson(settings)).toEqual({ api_tokens_enabled: true, legacy_api_tokens_enabled: true });
    expect((await owner.get('/api/jwt/settings/')).status).toBe(404);
    const bad = await owner.api('POST', '/api/jwt/settings', { api_tokens_enabled: 'maybe' });
    expect(bad.status).toBe(400);
    expect(await readJson(bad)).toMatchObject({
      validation_errors: { api_tokens_enabled: ['Must be a valid boolean.'] },
    });

    const { token: legacy } = await readJson<{ token: string }>(await owner.get('/api/current-user/token'));
    const { token: pat } = await readJson<{ token: string }>(await owner.api('POST', '/api/token/'));
    const access = await refresh(pat);
    await everywhere(tokenHeaders(legacy), 200);
    await everywhere(bearer(access), 200);

    const off = await owner.api('POST', '/api/jwt/settings', { legacy_api_tokens_enabled: false });
    expect(off.status).toBe(200);
    expect(await readJson(off)).toEqual({ api_tokens_enabled: true, legacy_api_tokens_enabled: false });
    // Refused at once where it was switched, and soon on the other replica, with Label Studio's message.
    const refused = await whoami(a, tokenHeaders(legacy));
    expect(refused.status).toBe(401);
    expect(await readJson(refused)).toMatchObject({ detail: LEGACY_DISABLED });
    await everywhere(tokenHeaders(legacy), 401);
    await everywhere({ 'x-api-key': legacy }, 401);
    await everywhere(bearer(access), 200);

    expect((await post(a, '/api/jwt/settings', { api_tokens_enabled: false }, bearer(access))).status).toBe(
      200,
    );
    await everywhere(bearer(access), 401);
    const anonymous = await whoami(b, bearer(access));
    expect(await readJson(anonymous)).toMatchObject({
      detail: 'Authentication credentials were not provided.',
    });

    const on = await owner.api('POST', '/api/jwt/settings', {
      api_tokens_enabled: true,
      legacy_api_tokens_enabled: 'true',
    });
    expect(await readJson(on)).toEqual({ api_tokens_enabled: true, legacy_api_tokens_enabled: true });
    await everywhere(bearer(access), 200);
    await everywhere(tokenHeaders(legacy), 200);
    await owner.api('POST', '/api/token/blacklist/', { refresh: pat });
  });

  it('stops the access tokens of a deactivated, removed or deleted user on both replicas', async () => {
    const bob = await member('bob@example.com');
    const access = await refresh(bob.pat);
    await everywhere(bearer(access), 200);

    await cli(['deactivate_user', '--username', 'bob@example.com']);
    await everywhere(bearer(access), 401);
    const refused = await post(a, '/api/token/refresh/', { refresh: bob.pat });
    expect(refused.status).toBe(401);
    expect(await readJson(refused)).toMatchObject({ detail: 'No active account found for the given token.' });
    await cli(['activate_user', '--username', 'bob@example.com']);
    await everywhere(bearer(access), 200);

    const removed = await owner.api('DELETE', `/api/organizations/${organizationId}/memberships/${bob.id}/`);
    expect(removed.status).toBe(204);
    await everywhere(bearer(access), 401);

    const carol = await member('carol@example.com');
    const carolAccess = await refresh(carol.pat);
    await everywhere(bearer(carolAccess), 200);
    expect((await owner.api('DELETE', `/api/users/${carol.id}/`)).status).toBe(204);
    await everywhere(bearer(carolAccess), 401);
    expect((await post(b, '/api/token/refresh/', { refresh: carol.pat })).status).toBe(401);
  });

  it('rotates the signing key without refusing a token, and the operator makes PATs and sees whether one exists', async () => {
    await member('dave@example.com');
    const info = async () => {
      const { stdout } = await cli(['user', '--username', 'dave@example.com']);
      return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    };
    const before = await info();
    expect(before.personal_access_token).toMatchObject({ exists: true });
    expect(JSON.stringify(before)).not.toMatch(/eyJ/);

    const refusedCreate = await cli(['create_pat', '--username', 'dave@example.com']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(refusedCreate).toMatchObject({ code: 1 });
    const { stdout } = await cli(['create_pat', '--username', 'dave@example.com', '--replace']);
    const pat = stdout.trim();
    expect(decode(pat).claims).toMatchObject({ token_type: 'refresh' });
    const oldAccess = await refresh(pat);
    const oldKid = decode(oldAccess).header.kid;

    const rotation = JSON.parse((await cli(['rotate_signing_key', '--json'])).stdout.trim()) as {
      kid: string;
    };
    expect(rotation.kid).not.toBe(oldKid);
    // Tokens the retired key signed still verify on both replicas; new ones carry the new key.
    await everywhere(bearer(oldAccess), 200);
    const newAccess = await eventually(async () => {
      const access = await refresh(pat, b);
      return decode(access).header.kid === rotation.kid ? access : undefined;
    });
    await everywhere(bearer(newAccess), 200);
    await everywhere(bearer(oldAccess), 200);
  });
});
