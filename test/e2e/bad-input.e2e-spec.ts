import { readJson, TestBrowser, tokenHeaders, UserBody } from '../support/http-client';
import { startTestStack, TestStack } from '../support/stack';

/** Bad input on every foundation endpoint: a clear 4xx in Label Studio's envelope, nothing changed. */
describe('bad input through the gateway', () => {
  let sut: TestStack;
  let owner: TestBrowser;
  let token: string;
  let me: UserBody;

  const call = (
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string } = {},
  ) =>
    fetch(`${sut.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      ...init,
      headers: { ...tokenHeaders(token), ...init.headers },
    });
  const json = (method: string, path: string, body: string) =>
    call(method, path, { headers: { 'content-type': 'application/json' }, body });

  beforeAll(async () => {
    sut = await startTestStack({ LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '5' });
    owner = new TestBrowser(sut.baseUrl);
    expect((await owner.signup('owner@example.com', 'owner password 1')).status).toBe(302);
    token = (await readJson<{ token: string }>(await owner.get('/api/current-user/token'))).token;
    me = await readJson<UserBody>(await call('GET', '/api/current-user/whoami'));
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  const expectEnvelope = async (res: Response, status: number) => {
    expect(res.status).toBe(status);
    const body = await readJson(res);
    expect(body).toMatchObject({ status_code: status, exc_info: null });
    expect(typeof body.id).toBe('string');
    expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|SELECT|identity\.|invitations\.|profiles\./);
    return body;
  };

  it.each([
    ['Token', 'Invalid token header. No credentials provided.'],
    ['Token a b', 'Invalid token header. Token string should not contain spaces.'],
    [`Token ${'f'.repeat(40)}`, 'Invalid token.'],
    [`Token ${'x'.repeat(10_000)}`, 'Invalid token.'],
    ['Token \u00e9t\u00e9', 'Invalid token.'],
  ])('Authorization %p → 401 %p', async (header, detail) => {
    const res = await fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers: { authorization: header } });
    expect((await expectEnvelope(res, 401)).detail).toBe(detail);
    expect(res.headers.get('www-authenticate')).toBe('Token');
  });

  it.each(['abc', '-1', '0', '99999999999999999999', '1.5', '%00'])('user id %p is a 404', async (id) => {
    await expectEnvelope(await call('GET', `/api/users/${id}/`), 404);
    await expectEnvelope(await json('PATCH', `/api/users/${id}/`, '{}'), 404);
    await expectEnvelope(await call('DELETE', `/api/users/${id}/`), 404);
  });

  it('keeps Label Studio trailing-slash rules', async () => {
    await expectEnvelope(await call('GET', '/api/current-user/whoami/'), 404);
    await expectEnvelope(await call('GET', '/api/current-user/token/'), 404);
    expect((await call('GET', `/api/users/${me.id}`)).status).toBe(200);
    expect((await call('POST', '/api/current-user/reset-token')).status).toBe(201);
    token = (await readJson<{ token: string }>(await owner.get('/api/current-user/token'))).token;
  });

  it('refuses malformed and oversized bodies before doing work', async () => {
    expect(
      (await expectEnvelope(await json('PATCH', `/api/users/${me.id}/`, '{"first_name":'), 400)).detail,
    ).toMatch(/JSON parse error/);
    await expectEnvelope(
      await json('PATCH', `/api/users/${me.id}/`, JSON.stringify({ first_name: 'x'.repeat(600_000) })),
      413,
    );
    await expectEnvelope(await json('PATCH', `/api/users/${me.id}/`, '[1,2,3]'), 400);
  });

  it('treats operator objects, NUL and over-long values as field errors and saves nothing', async () => {
    for (const body of [
      { first_name: { $gt: '' } },
      { first_name: 'a\u0000b' },
      { last_name: 'x'.repeat(300) },
      { phone: ['1'] },
      { allow_newsletters: 'maybe' },
    ]) {
      const res = await json('PATCH', `/api/users/${me.id}/`, JSON.stringify(body));
      const envelope = await expectEnvelope(res, 400);
      expect(envelope.detail).toBe('Validation error');
      expect(Object.keys(envelope.validation_errors as object)).toEqual(Object.keys(body));
    }
    const after = await readJson<UserBody>(await call('GET', '/api/current-user/whoami'));
    expect(after).toMatchObject({ first_name: '', last_name: '', phone: '', allow_newsletters: null });
  });

  it('ignores privileged and prototype fields, and refuses email changes atomically', async () => {
    const res = await json(
      'PATCH',
      `/api/users/${me.id}/`,
      '{"first_name":"Ann","id":999,"is_superuser":true,"password":"x","token":"y","__proto__":{"admin":true}}',
    );
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ id: me.id, first_name: 'Ann', email: 'owner@example.com' });

    const email = await json(
      'PATCH',
      `/api/users/${me.id}/`,
      JSON.stringify({ first_name: 'Changed', email: 'evil@example.com' }),
    );
    expect((await expectEnvelope(email, 405)).detail).toBe('Cannot update read-only field: email');
    const after = await readJson<UserBody>(await call('GET', '/api/current-user/whoami'));
    expect(after).toMatchObject({ first_name: 'Ann', email: 'owner@example.com' });
  });

  it('answers PUT with 405', async () => {
    expect((await expectEnvelope(await json('PUT', `/api/users/${me.id}/`, '{}'), 405)).detail).toBe(
      'Method "PUT" not allowed.',
    );
  });

  it('does not let a member edit or delete others, nor the owner delete themself', async () => {
    const bob = new TestBrowser(sut.baseUrl);
    expect((await bob.signup('bob@example.com', 'bob password 12')).status).toBe(302);
    const bobMe = await readJson<UserBody>(await bob.get('/api/current-user/whoami'));
    expect((await bob.api('PATCH', `/api/users/${me.id}/`, { first_name: 'Hacked' })).status).toBe(403);
    expect((await bob.api('DELETE', `/api/users/${me.id}/`)).status).toBe(403);
    expect((await bob.api('PATCH', `/api/users/${bobMe.id}/`, { first_name: 'Bob' })).status).toBe(200);
    expect((await call('DELETE', `/api/users/${me.id}/`)).status).toBe(403);
    expect((await readJson<UserBody>(await call('GET', '/api/current-user/whoami'))).first_name).toBe('Ann');

    // The owner may remove a member; their token and session stop working.
    const bobToken = (await readJson<{ token: string }>(await bob.get('/api/current-user/token'))).token;
    expect((await call('DELETE', `/api/users/${bobMe.id}/`)).status).toBe(204);
    expect(
      (await fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers: tokenHeaders(bobToken) })).status,
    ).toBe(401);
    expect((await bob.get('/api/current-user/whoami')).status).toBe(401);
    await expectEnvelope(await call('GET', `/api/users/${bobMe.id}/`), 404);
  });

  it('creates an account over the API with validation and unique emails', async () => {
    const created = await json(
      'POST',
      '/api/users/',
      JSON.stringify({ email: 'dan@example.com', username: 'dan', first_name: 'Dan' }),
    );
    expect(created.status).toBe(201);
    expect(await readJson(created)).toMatchObject({
      email: 'dan@example.com',
      username: 'dan',
      first_name: 'Dan',
      initials: 'D',
    });
    const dup = await json(
      'POST',
      '/api/users/',
      JSON.stringify({ email: 'DAN@example.com', username: 'dan2' }),
    );
    expect((await expectEnvelope(dup, 400)).validation_errors).toEqual({
      email: ['user with this email address already exists.'],
    });
    const bad = await json('POST', '/api/users/', JSON.stringify({ email: 'not-an-email', username: 'x' }));
    expect((await expectEnvelope(bad, 400)).validation_errors).toMatchObject({
      email: ['Enter a valid email address.'],
    });
    // An account made this way has no password: it cannot log in.
    const dan = new TestBrowser(sut.baseUrl);
    expect((await dan.login('dan@example.com', '')).status).toBe(200);
  });

  it('keeps login failures alike and throttles parallel guesses per account', async () => {
    const guesses = await Promise.all(
      Array.from({ length: 12 }, () =>
        new TestBrowser(sut.baseUrl).login('owner@example.com', 'wrong password 1'),
      ),
    );
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(7);
    const limited = guesses.find((r) => r.status === 429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    // NUL and huge emails are form errors, not crashes.
    expect((await new TestBrowser(sut.baseUrl).login('a\u0000@example.com', 'x')).status).toBe(200);
    expect((await new TestBrowser(sut.baseUrl).login(`${'a'.repeat(300)}@example.com`, 'x')).status).toBe(
      200,
    );
  });
});
