import { readJson, TestBrowser, tokenHeaders, UserBody } from '../support/http-client';
import { startTestStack, TestStack } from '../support/stack';

/** The foundation flow as a person runs it: sign up, use the session and the token, reset it. */
describe('signup → login → token, through the gateway and the bus', () => {
  let sut: TestStack;

  beforeAll(async () => {
    sut = await startTestStack();
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  const whoami = (headers: Record<string, string>) =>
    fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers });

  it('signs up, reads whoami with the cookie and the token, and a reset token kills the old one', async () => {
    const ann = new TestBrowser(sut.baseUrl);
    const page = await ann.get('/user/signup/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Create Account');

    const signup = await ann.postForm('/user/signup/', {
      email: '  Ann.Lee@Example.COM ',
      password: 'correct horse 42',
    });
    expect(signup.status).toBe(302);
    expect(signup.headers.get('location')).toBe('/projects/');
    expect(ann.cookies.get('sessionid')).toBeTruthy();
    const setCookie = signup.headers.getSetCookie().find((c) => c.startsWith('sessionid='));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);

    const me = await ann.get('/api/current-user/whoami');
    expect(me.status).toBe(200);
    const user = await readJson<UserBody>(me);
    expect(user).toMatchObject({
      email: 'ann.lee@example.com',
      username: 'ann.lee',
      first_name: '',
      last_name: '',
      initials: 'an',
      avatar: null,
      phone: '',
      custom_hotkeys: {},
      allow_newsletters: null,
      active_organization_meta: { title: 'Label Studio', email: 'ann.lee@example.com' },
    });
    expect(Object.keys(user)).toEqual([
      'id',
      'first_name',
      'last_name',
      'username',
      'email',
      'last_activity',
      'custom_hotkeys',
      'avatar',
      'initials',
      'phone',
      'active_organization',
      'active_organization_meta',
      'allow_newsletters',
      'date_joined',
      'permissions',
    ]);
    expect(user.active_organization).toEqual(expect.any(Number));
    expect(user.date_joined).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(user.permissions).toContain('organizations.invite');

    const tokenRes = await ann.get('/api/current-user/token');
    expect(tokenRes.status).toBe(200);
    const { token } = await readJson<{ token: string }>(tokenRes);
    expect(token).toMatch(/^[0-9a-f]{40}$/);

    const byToken = await whoami(tokenHeaders(token));
    expect(byToken.status).toBe(200);
    expect((await readJson<UserBody>(byToken)).id).toBe(user.id);
    const byApiKey = await whoami({ 'x-api-key': token });
    expect(byApiKey.status).toBe(200);
    // Once the read model has the token (it replicates within milliseconds), its whoami is answered
    // before Express (users/whoami.ts); the cookie's goes through the route. Same body, same headers.
    await new Promise((r) => setTimeout(r, 1000));
    const perRequest = new Set(['date', 'x-request-id', 'content-length', 'keep-alive', 'connection']);
    const headersOf = (res: Response) => [...res.headers].filter(([name]) => !perRequest.has(name));
    const [fast, routed] = [await whoami(tokenHeaders(token)), await ann.get('/api/current-user/whoami')];
    expect(headersOf(fast)).toEqual(headersOf(routed));
    expect(await fast.text()).toBe(await routed.text());

    // A cookie-authenticated unsafe request needs the CSRF token; a token-authenticated one does not.
    const noCsrf = await ann.api('POST', '/api/current-user/reset-token/', undefined, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect((await readJson(noCsrf)).detail).toMatch(/CSRF/);
    expect((await whoami(tokenHeaders(token))).status).toBe(200);

    const reset = await ann.api('POST', '/api/current-user/reset-token/');
    expect(reset.status).toBe(201);
    const { token: fresh } = await readJson<{ token: string }>(reset);
    expect(fresh).toMatch(/^[0-9a-f]{40}$/);
    expect(fresh).not.toBe(token);

    const old = await whoami(tokenHeaders(token));
    expect(old.status).toBe(401);
    expect(await readJson(old)).toMatchObject({ status_code: 401, detail: 'Invalid token.', exc_info: null });
    expect((await whoami(tokenHeaders(fresh))).status).toBe(200);
    expect(await readJson(await ann.get('/api/current-user/token'))).toEqual({ token: fresh });

    // Neither the token nor the password is stored in plaintext anywhere in identity's database.
    const tables = await sut.query<{ table_name: string }>(
      'identity',
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    for (const { table_name } of tables) {
      const rows = await sut.query('identity', `SELECT * FROM "${table_name}"`);
      const dump = JSON.stringify(rows, (_k, v) => (Buffer.isBuffer(v) ? v.toString('latin1') : v));
      expect(dump).not.toContain(fresh);
      expect(dump).not.toContain(token);
      expect(dump).not.toContain('correct horse 42');
    }
    // Nor in any log line.
    const logs = sut.logs.map((l) => l.line).join('\n');
    expect(logs).not.toContain(fresh);
    expect(logs).not.toContain('correct horse 42');
  });

  it('a second person joins the same organization; logout ends the session; login opens a new one', async () => {
    const owner = new TestBrowser(sut.baseUrl);
    await owner.login('ann.lee@example.com', 'correct horse 42');
    const bob = new TestBrowser(sut.baseUrl);
    expect((await bob.signup('bob@example.com', 'another secret 7')).status).toBe(302);
    const bobMe = await readJson<UserBody>(await bob.get('/api/current-user/whoami'));
    const annMe = await readJson<UserBody>(await owner.get('/api/current-user/whoami'));
    expect(bobMe.active_organization).toBe(annMe.active_organization);
    expect(bobMe.active_organization_meta).toEqual({ title: 'Label Studio', email: 'ann.lee@example.com' });

    const list = await owner.get('/api/users/');
    expect(list.status).toBe(200);
    const users = await readJson<UserBody[]>(list);
    expect(users.map((u) => u.email)).toEqual(['ann.lee@example.com', 'bob@example.com']);
    expect((await owner.get('/api/users')).status).toBe(200);

    const oldSession = bob.cookies.get('sessionid');
    // GET /logout only asks (a link elsewhere cannot log anyone out); the page's button POSTs.
    const ask = await bob.get('/logout');
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('<form method="post" action="/logout">');
    expect(bob.cookies.get('sessionid')).toBe(oldSession);
    expect((await bob.get('/api/current-user/whoami')).status).toBe(200);
    const out = await bob.postForm('/logout', {});
    expect(out.status).toBe(302);
    expect(bob.cookies.get('sessionid')).toBeUndefined();
    const replay = await fetch(`${sut.baseUrl}/api/current-user/whoami`, {
      headers: { cookie: `sessionid=${oldSession}` },
    });
    expect(replay.status).toBe(401);
    expect(replay.headers.get('www-authenticate')).toBe('Token');

    const wrong = await bob.login('bob@example.com', 'not the password');
    expect(wrong.status).toBe(200);
    expect(await wrong.text()).toContain('The email and password you entered don&#39;t match.');
    const unknown = await bob.login('nobody@example.com', 'not the password');
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toContain('The email and password you entered don&#39;t match.');

    // A field missing from the form, or a password in the query string (which passport-local would
    // read), is refused with the same message and no session.
    const noPassword = await bob.postForm('/user/login/', { email: 'bob@example.com' });
    expect(noPassword.status).toBe(200);
    expect(await noPassword.text()).toContain('The email and password you entered don&#39;t match.');
    const inQuery = await bob.postForm(`/user/login/?password=${encodeURIComponent('another secret 7')}`, {
      email: 'bob@example.com',
    });
    expect(inQuery.status).toBe(200);
    expect(await inQuery.text()).toContain('The email and password you entered don&#39;t match.');
    expect(bob.cookies.get('sessionid')).toBeUndefined();
    const crossSite = await bob.postForm(
      '/user/login/',
      { email: 'bob@example.com', password: 'another secret 7' },
      { csrf: false },
    );
    expect(crossSite.status).toBe(403);
    expect(bob.cookies.get('sessionid')).toBeUndefined();

    const ok = await bob.login('BOB@example.com', 'another secret 7');
    expect(ok.status).toBe(302);
    expect(bob.cookies.get('sessionid')).not.toBe(oldSession);
    expect((await bob.get('/api/current-user/whoami')).status).toBe(200);
  });

  it('refuses a signup with a bad password or a taken email, and keeps the page', async () => {
    const eve = new TestBrowser(sut.baseUrl);
    const short = await eve.signup('eve@example.com', 'short');
    expect(short.status).toBe(200);
    expect(await short.text()).toContain('Please enter a password 8–128 characters in length.');
    const taken = await eve.signup('ANN.LEE@example.com', 'long enough pass 1');
    expect(taken.status).toBe(200);
    expect(await taken.text()).toContain('User with this email already exists');
    const noCsrf = await eve.postForm(
      '/user/signup/',
      { email: 'x@example.com', password: 'long enough 1' },
      { csrf: false },
    );
    expect(noCsrf.status).toBe(403);
    const next = await eve.signup('eve@example.com', 'long enough pass 1', '?next=http://malicious.com');
    expect(next.status).toBe(302);
    expect(next.headers.get('location')).toBe('/projects/');
  });

  it("serves Label Studio's account sub pages as the account page, to signed-in people only", async () => {
    const anonymous = await fetch(`${sut.baseUrl}/user/account/legacy-token`, { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/user/login/?next=%2Fuser%2Faccount%2Flegacy-token');

    const fay = new TestBrowser(sut.baseUrl);
    expect((await fay.signup('fay@example.com', 'long enough pass 1')).status).toBe(302);
    for (const section of ['personal-info', 'legacy-token/', 'hotkeys']) {
      const page = await fay.get(`/user/account/${section}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Account &amp; Settings');
    }
  });

  it("reads and replaces the caller's hotkeys with Label Studio's checks and error shape", async () => {
    const gus = new TestBrowser(sut.baseUrl);
    expect((await gus.signup('gus@example.com', 'long enough pass 1')).status).toBe(302);
    const empty = await gus.get('/api/current-user/hotkeys/');
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ custom_hotkeys: {} });

    const hotkeys = {
      'annotation:submit': { key: 'ctrl+enter', active: true },
      'regions:delete': { key: 'backspace' },
    };
    const saved = await gus.api('PATCH', '/api/current-user/hotkeys/', { custom_hotkeys: hotkeys });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ custom_hotkeys: hotkeys });
    expect(await (await gus.get('/api/current-user/hotkeys/')).json()).toEqual({ custom_hotkeys: hotkeys });
    expect((await readJson<UserBody>(await gus.get('/api/current-user/whoami'))).custom_hotkeys).toEqual(
      hotkeys,
    );

    for (const bad of [
      { custom_hotkeys: { 'no-colon': { key: 'a' } } },
      { custom_hotkeys: { 'app:quit': { key: 'alt+f4' } } },
      { custom_hotkeys: 'ctrl+s' },
      {},
    ]) {
      const refused = await gus.api('PATCH', '/api/current-user/hotkeys/', bad);
      expect(refused.status).toBe(400);
      const body = await readJson<{ error: string; details: Record<string, string[]> }>(refused);
      expect(body.error).toBe('Invalid hotkeys configuration');
      expect(body.details.custom_hotkeys).toEqual([expect.any(String)]);
    }
    expect(await (await gus.get('/api/current-user/hotkeys/')).json()).toEqual({ custom_hotkeys: hotkeys });
    // A cookie session needs the CSRF header for a change, as everywhere.
    const noCsrf = await gus.api(
      'PATCH',
      '/api/current-user/hotkeys/',
      { custom_hotkeys: {} },
      { csrf: false },
    );
    expect(noCsrf.status).toBe(403);
    expect((await fetch(`${sut.baseUrl}/api/current-user/hotkeys/`)).status).toBe(401);
  });
});
