import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import bcrypt from 'bcrypt';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { readJson, TestBrowser, tokenHeaders, UserBody } from '../support/http-client';
import { startTestStack, TestStack } from '../support/stack';

const LABEL_STUDIO = resolve(__dirname, '..', '..', 'bin', 'label-studio.js');
const PASSWORD = 'edge password 1';

/** Runs `label-studio …` against a stack with the operator's credentials. */
function labelStudio(
  sut: TestStack,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [LABEL_STUDIO, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...sut.nats.envFor('admin'), BUS_TIMEOUT_MS: '3000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveResult) => child.on('close', (code) => resolveResult({ code, stdout, stderr })));
}

const png = (size: number) =>
  sharp({ create: { width: size, height: size, channels: 3, background: '#3366aa' } })
    .png()
    .toBuffer();

function imageForm(data: Buffer): FormData {
  const body = new FormData();
  body.append('avatar', new Blob([data], { type: 'image/png' }), 'a.png');
  return body;
}

describe('the edge: cross-site requests, caching, strict input, secrets (default limits)', () => {
  let sut: TestStack;
  let owner: TestBrowser;
  let me: UserBody;
  let token: string;
  let site: string;
  const TRUSTED = 'https://labels.example.com';

  beforeAll(async () => {
    sut = await startTestStack({ CSRF_TRUSTED_ORIGINS: TRUSTED });
    site = new URL(sut.baseUrl).origin;
    owner = new TestBrowser(sut.baseUrl);
    expect((await owner.signup('owner@example.com', PASSWORD)).status).toBe(302);
    me = await readJson<UserBody>(await owner.get('/api/current-user/whoami'));
    token = (await readJson<{ token: string }>(await owner.get('/api/current-user/token'))).token;
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  const firstName = async () =>
    (
      await readJson<UserBody>(
        await fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers: tokenHeaders(token) }),
      )
    ).first_name;

  /** A cookie-authenticated call with the right CSRF token, from the page at `origin`. */
  const fromPage = (
    browser: TestBrowser,
    method: string,
    path: string,
    headers: Record<string, string>,
    json?: unknown,
  ) =>
    browser.request(method, path, {
      headers: {
        ...headers,
        'x-csrftoken': browser.cookies.get('csrftoken') ?? '',
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });

  describe('cross-site requests', () => {
    it('refuses an API change with the session from another origin, even with the CSRF token', async () => {
      for (const headers of <Array<Record<string, string>>>[
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { referer: 'https://evil.example/page' },
      ]) {
        const res = await fromPage(owner, 'PATCH', `/api/users/${me.id}/`, headers, {
          first_name: 'Mallory',
        });
        expect(res.status).toBe(403);
        expect((await readJson<{ detail: string }>(res)).detail).toMatch(
          /^CSRF Failed: (Origin|Referer) checking failed/,
        );
      }
      expect(await firstName()).toBe('');
      // The site itself and a configured trusted origin are fine.
      expect(
        (await fromPage(owner, 'PATCH', `/api/users/${me.id}/`, { origin: site }, { first_name: 'Ann' }))
          .status,
      ).toBe(200);
      expect(
        (
          await fromPage(
            owner,
            'PATCH',
            `/api/users/${me.id}/`,
            { referer: `${TRUSTED}/x` },
            { first_name: 'Ann' },
          )
        ).status,
      ).toBe(200);
      // A token is no cookie: a script may call from anywhere.
      const byToken = await fetch(`${sut.baseUrl}/api/users/${me.id}/`, {
        method: 'PATCH',
        headers: {
          ...tokenHeaders(token),
          origin: 'https://evil.example',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ last_name: 'Lee' }),
      });
      expect(byToken.status).toBe(200);
      expect(await firstName()).toBe('Ann');
    });

    it('refuses the log-in, sign-up and account forms posted from another origin, changing nothing', async () => {
      const visitor = new TestBrowser(sut.baseUrl);
      await visitor.get('/user/login/');
      const csrf = visitor.cookies.get('csrftoken') ?? '';
      const post = (browser: TestBrowser, path: string, fields: Record<string, string>) =>
        browser.request('POST', path, {
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
          body: new URLSearchParams({
            ...fields,
            csrfmiddlewaretoken: browser.cookies.get('csrftoken') ?? csrf,
          }).toString(),
        });
      const login = await post(visitor, '/user/login/', { email: 'owner@example.com', password: PASSWORD });
      expect(login.status).toBe(403);
      expect(visitor.cookies.get('sessionid')).toBeUndefined();
      const signup = await post(visitor, '/user/signup/', {
        email: 'forced@example.com',
        password: PASSWORD,
      });
      expect(signup.status).toBe(403);
      expect(
        await sut.query('identity', `SELECT 1 FROM account WHERE email = 'forced@example.com'`),
      ).toHaveLength(0);
      await owner.get('/user/account/');
      const account = await post(owner, '/user/account/', { first_name: 'Forged', last_name: '', phone: '' });
      expect(account.status).toBe(403);
      expect(await firstName()).toBe('Ann');
    });

    it('GET and HEAD /logout change nothing; the page logs out by POST with the token, from this site only', async () => {
      const bob = new TestBrowser(sut.baseUrl);
      expect((await bob.signup('bob@example.com', PASSWORD)).status).toBe(302);
      const session = bob.cookies.get('sessionid');
      const page = await bob.get('/logout');
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<form method="post" action="/logout">');
      expect(html).toContain(`name="csrfmiddlewaretoken" value="${bob.cookies.get('csrftoken')}"`);
      expect((await bob.request('HEAD', '/logout')).status).toBe(200);
      expect((await bob.get('/api/current-user/whoami')).status).toBe(200);
      expect(bob.cookies.get('sessionid')).toBe(session);

      const forged = await bob.request('POST', '/logout', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
        body: new URLSearchParams({ csrfmiddlewaretoken: bob.cookies.get('csrftoken') ?? '' }).toString(),
      });
      expect(forged.status).toBe(403);
      expect((await bob.postForm('/logout', {}, { csrf: false })).status).toBe(403);
      expect((await bob.get('/api/current-user/whoami')).status).toBe(200);

      // The menu on every signed-in page is the same form.
      expect(await (await bob.get('/projects/')).text()).toMatch(
        /<form class="menu-form" method="post" action="\/logout">/,
      );
      expect((await bob.postForm('/logout', {})).status).toBe(302);
      expect(
        (
          await fetch(`${sut.baseUrl}/api/current-user/whoami`, {
            headers: { cookie: `sessionid=${session}` },
          })
        ).status,
      ).toBe(401);
    });
  });

  describe('secrets are never cached', () => {
    it('sends no-store with tokens, sessions, invitation links and personal data; avatars keep their caching', async () => {
      const api = (path: string) => fetch(`${sut.baseUrl}${path}`, { headers: tokenHeaders(token) });
      for (const res of [
        await api('/api/current-user/token'),
        await api('/api/current-user/whoami'),
        await api('/api/invite'),
        await api('/api/users/'),
        await api(`/api/organizations/${me.active_organization}`),
        await owner.get('/user/account/'),
        await owner.get('/people/'),
        await new TestBrowser(sut.baseUrl).login('owner@example.com', PASSWORD),
        await fetch(`${sut.baseUrl}/api/current-user/whoami`),
      ]) {
        expect([res.url, res.headers.get('cache-control')]).toEqual([res.url, 'no-store']);
      }
      const upload = await fetch(`${sut.baseUrl}/api/users/${me.id}/avatar/`, {
        method: 'POST',
        headers: tokenHeaders(token),
        body: imageForm(await png(16)),
      });
      expect(upload.headers.get('cache-control')).toBe('no-store');
      const avatar = (await readJson<UserBody>(await api('/api/current-user/whoami'))).avatar as string;
      const image = await fetch(`${sut.baseUrl}${avatar}`);
      expect(image.status).toBe(200);
      expect(image.headers.get('cache-control')).toBe('public, max-age=86400');
      expect(image.headers.get('etag')).toBeTruthy();
    });
  });

  describe('strict input', () => {
    const call = (
      method: string,
      path: string,
      headers: Record<string, string> = {},
      body?: string | FormData,
    ) =>
      fetch(`${sut.baseUrl}${path}`, {
        method,
        headers: { ...tokenHeaders(token), ...headers },
        body,
        redirect: 'manual',
      });

    it('answers 415 to a body type the endpoint does not take, changing nothing', async () => {
      for (const type of ['text/plain', 'application/xml', 'image/png']) {
        const res = await call('PATCH', `/api/users/${me.id}/`, { 'content-type': type }, 'first_name=Eve');
        expect(res.status).toBe(415);
        expect(await readJson(res)).toMatchObject({
          status_code: 415,
          detail: `Unsupported media type "${type}" in request.`,
        });
      }
      expect(await firstName()).toBe('Ann');
      const login = await new TestBrowser(sut.baseUrl).request('POST', '/user/login/', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@example.com', password: PASSWORD }),
      });
      expect(login.status).toBe(415);
      expect(login.headers.getSetCookie().some((c) => c.startsWith('sessionid='))).toBe(false);
    });

    it('takes JSON, forms and multipart where Label Studio does; no body is never a 415', async () => {
      const form = new FormData();
      form.append('first_name', 'Multi');
      expect((await call('PATCH', `/api/users/${me.id}/`, {}, form)).status).toBe(200);
      expect(await firstName()).toBe('Multi');
      const urlencoded = await call(
        'PATCH',
        `/api/users/${me.id}/`,
        { 'content-type': 'application/x-www-form-urlencoded' },
        'first_name=Ann',
      );
      expect(urlencoded.status).toBe(200);
      expect(await firstName()).toBe('Ann');
      const empty = await call('POST', '/api/current-user/reset-token', { 'content-type': 'text/plain' }, '');
      expect(empty.status).toBe(201);
      token = (await readJson<{ token: string }>(empty)).token;
    });

    it('answers 405 with Allow to a method a known path does not serve; unknown paths stay 404', async () => {
      const cases: Array<[string, string, string]> = [
        ['DELETE', '/api/current-user/whoami', 'GET, HEAD, OPTIONS'],
        ['POST', '/api/current-user/token', 'GET, HEAD, OPTIONS'],
        ['PUT', '/user/login/', 'GET, HEAD, OPTIONS, POST'],
        ['DELETE', '/api/invite', 'GET, HEAD, OPTIONS'],
        ['POST', `/api/users/${me.id}/`, 'DELETE, GET, HEAD, OPTIONS, PATCH, PUT'],
      ];
      for (const [method, path, allow] of cases) {
        const res = await call(method, path);
        expect([method, path, res.status, res.headers.get('allow')]).toEqual([method, path, 405, allow]);
        expect(await readJson(res)).toMatchObject({ status_code: 405, exc_info: null });
      }
      const options = await call('OPTIONS', '/api/current-user/whoami');
      expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect((await call('GET', '/api/nothing-here')).status).toBe(404);
      expect((await call('DELETE', '/api/nothing-here')).status).toBe(404);
    });

    it.each([
      ['empty', Buffer.alloc(0)],
      ['garbage', Buffer.from('definitely not an image')],
    ])('refuses an %s image with Label Studio’s message, changing nothing', async (_name, data) => {
      const before = (await readJson<UserBody>(await call('GET', '/api/current-user/whoami'))).avatar;
      const res = await call('POST', `/api/users/${me.id}/avatar/`, {}, imageForm(data));
      expect(res.status).toBe(400);
      expect((await readJson<{ detail: string }>(res)).detail).toBe("Can't read image, try another one");
      expect((await readJson<UserBody>(await call('GET', '/api/current-user/whoami'))).avatar).toBe(before);
    });
  });

  describe('secrets you cannot guess', () => {
    it('refuses a commonly breached password with a clear message, creating nothing', async () => {
      const visitor = new TestBrowser(sut.baseUrl);
      const res = await visitor.signup('common@example.com', 'Password123');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('This password is too common.');
      expect(
        await sut.query('identity', `SELECT 1 FROM account WHERE email = 'common@example.com'`),
      ).toHaveLength(0);
    });

    it('refuses a chosen invitation token shorter than 22 URL-safe characters', async () => {
      const res = await fetch(`${sut.baseUrl}/api/organizations/${me.active_organization}`, {
        method: 'PATCH',
        headers: { ...tokenHeaders(token), 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'short-link' }),
      });
      expect(res.status).toBe(400);
      const link = await readJson<{ token: string }>(
        await fetch(`${sut.baseUrl}/api/invite`, { headers: tokenHeaders(token) }),
      );
      // Generated: 40 characters of 62 (about 238 bits).
      expect(link.token).toMatch(/^[A-Za-z0-9]{40}$/);
    });

    it('warns the operator about a chosen API token shorter than 20 characters', async () => {
      const result = await labelStudio(sut, [
        'create_user',
        '--username',
        'operator@example.com',
        '--password',
        'Operator-Pass-1',
        '--user-token',
        'short-token',
      ]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('Warning: an API token of 11 characters can be guessed');
    });
  });

  describe('hashes, sessions, audit', () => {
    it('rehashes at the configured cost at login; the failed login of an unknown email keeps no email', async () => {
      const [{ id }] = await sut.query<{ id: number }>(
        'identity',
        `SELECT id FROM account WHERE email = 'owner@example.com'`,
      );
      const prehashed = createHash('sha256').update(PASSWORD, 'utf8').digest('base64');
      await sut.query('identity', 'UPDATE account SET password_hash = $2 WHERE id = $1', [
        id,
        await bcrypt.hash(prehashed, 5),
      ]);
      expect((await new TestBrowser(sut.baseUrl).login('owner@example.com', PASSWORD)).status).toBe(302);
      const [{ password_hash: hash }] = await sut.query<{ password_hash: string }>(
        'identity',
        'SELECT password_hash FROM account WHERE id = $1',
        [id],
      );
      expect(bcrypt.getRounds(hash)).toBe(4);

      expect((await new TestBrowser(sut.baseUrl).login('Nobody@Example.com ', 'x')).status).toBe(200);
      expect((await new TestBrowser(sut.baseUrl).login('Owner@Example.com', 'wrong password')).status).toBe(
        200,
      );
      const failures = await sut.query<{ details: Record<string, unknown> }>(
        'identity',
        `SELECT details FROM audit_log WHERE action = 'login.failed' ORDER BY id`,
      );
      expect(failures.map((f) => f.details)).toEqual([
        { reason: 'unknown-user' },
        { email: 'owner@example.com', reason: 'wrong-password' },
      ]);
    });

    it('audits profile, hotkey, avatar and token changes with the acting user, never the values', async () => {
      const hotkeys = await fetch(`${sut.baseUrl}/api/current-user/hotkeys`, {
        method: 'PATCH',
        headers: { ...tokenHeaders(token), 'content-type': 'application/json' },
        body: JSON.stringify({ custom_hotkeys: { 'editor:save': { key: 'ctrl+s' } } }),
      });
      expect(hotkeys.status).toBe(200);
      const entries = await sut.query<{
        action: string;
        actor: string;
        subject_user_id: number;
        details: object;
      }>('profiles', 'SELECT action, actor, subject_user_id, details FROM audit_log ORDER BY id');
      const actions = new Set(entries.map((e) => e.action));
      expect([...actions].sort()).toEqual(['avatar.set', 'hotkeys.update', 'profile.update']);
      for (const entry of entries) {
        expect(entry).toMatchObject({ actor: String(me.id), subject_user_id: me.id });
      }
      expect(entries).toContainEqual(
        expect.objectContaining({ action: 'profile.update', details: { fields: 'firstName' } }),
      );
      expect(entries).toContainEqual(
        expect.objectContaining({ action: 'hotkeys.update', details: { fields: 'customHotkeys' } }),
      );
      // Names, hotkeys and files are not kept in the trail.
      expect(JSON.stringify(entries)).not.toMatch(/Ann|Lee|Multi|ctrl\+s|\.png/);
      const resets = await sut.query<{ actor: string; details: object }>(
        'identity',
        `SELECT actor, details FROM audit_log WHERE action = 'token.reset'`,
      );
      expect(resets).toEqual([expect.objectContaining({ actor: String(me.id) })]);
      expect(JSON.stringify(resets)).not.toContain(token);
    });

    it('carries the expiry the database set to the cookie', async () => {
      const visitor = new TestBrowser(sut.baseUrl);
      const login = await visitor.login('owner@example.com', PASSWORD);
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith('sessionid=')) ?? '';
      const expires = /Expires=([^;]+)/i.exec(cookie)?.[1];
      const [row] = await sut.query<{ expires_at: Date }>(
        'identity',
        'SELECT expires_at FROM web_session ORDER BY created_at DESC LIMIT 1',
      );
      expect(new Date(expires ?? 0).getTime()).toBe(
        Math.floor(new Date(row.expires_at).getTime() / 1000) * 1000,
      );
    });
  });
});

describe('the edge behind a TLS proxy: throttles shared by two replicas, growing login delays', () => {
  let sut: TestStack;
  let a: string;
  let b: string;
  const TOKEN_FAILURES = 4;
  /** Each try below is two guesses: the sign-up page with the link, then the form. */
  const INVITE_FAILURES = 4;
  const AVATAR_UPLOADS = 3;
  const SIGNUPS = 6;

  /** A request as the proxy forwards it: from `client`, over https. */
  const via = (client: string, headers: Record<string, string> = {}) => ({
    'x-forwarded-for': client,
    'x-forwarded-proto': 'https',
    ...headers,
  });

  beforeAll(async () => {
    sut = await startTestStack(
      {
        COOKIE_SECURE: 'true',
        TRUST_PROXY_HOPS: '1',
        TOKEN_FAILURES_MAX_PER_CLIENT: String(TOKEN_FAILURES),
        INVITE_FAILURES_MAX_PER_CLIENT: String(INVITE_FAILURES),
        AVATAR_UPLOADS_MAX_PER_USER: String(AVATAR_UPLOADS),
        SIGNUP_MAX_PER_CLIENT: String(SIGNUPS),
        THROTTLE_WINDOW_SECONDS: '3600',
        LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3',
        // Long enough that the delay is still on when the next request arrives, however slow the machine.
        LOGIN_FIRST_DELAY_SECONDS: '600',
      },
      { gatewayReplicas: 2 },
    );
    [a, b] = sut.baseUrls;
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  /** A browser behind the proxy: every request from `client`, as the site's own page sends it. */
  function browserAt(base: string, client: string): TestBrowser {
    const browser = new TestBrowser(base);
    const request = browser.request.bind(browser);
    browser.request = (method, path, init = {}) =>
      request(method, path, {
        ...init,
        headers: via(client, { referer: `https://${new URL(base).host}/`, ...init.headers }),
      });
    return browser;
  }

  it('marks cookies Secure and sends HSTS', async () => {
    const page = await fetch(`${a}/user/login/`, { headers: via('198.51.100.1') });
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(page.headers.getSetCookie().find((c) => c.startsWith('csrftoken='))).toMatch(/; Secure/i);
  });

  it('limits failed token authentications per client across replicas; known tokens are not slowed', async () => {
    const owner = browserAt(a, '198.51.100.2');
    expect((await owner.signup('owner@example.com', PASSWORD)).status).toBe(302);
    const { token } = await readJson<{ token: string }>(await owner.get('/api/current-user/token'));
    const guess = (base: string, i: number, client = '203.0.113.9') =>
      fetch(`${base}/api/current-user/whoami`, {
        headers: via(client, tokenHeaders(`${'0'.repeat(39)}${i}`)),
      });
    for (let i = 0; i < TOKEN_FAILURES; i++) expect((await guess(i % 2 ? b : a, i)).status).toBe(401);
    for (const base of [a, b]) {
      const refused = await guess(base, 9);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // A genuine user behind the same address is not refused.
    const genuine = await fetch(`${b}/api/current-user/whoami`, {
      headers: via('203.0.113.9', tokenHeaders(token)),
    });
    expect(genuine.status).toBe(200);
    // Another client is not affected.
    expect((await guess(a, 10, '203.0.113.10')).status).toBe(401);
  });

  it('limits invitation-link guesses per client across replicas; the right link works from elsewhere', async () => {
    const owner = browserAt(a, '198.51.100.2');
    await owner.login('owner@example.com', PASSWORD);
    const { token } = await readJson<{ token: string }>(await owner.get('/api/invite'));
    const guesser = (base: string) => browserAt(base, '2001:db8:5:5::1');
    for (let i = 0; i < INVITE_FAILURES / 2; i++) {
      const res = await guesser(i % 2 ? b : a).signup(`guess${i}@example.com`, PASSWORD, `?token=wrong-${i}`);
      expect(res.status).toBe(403);
    }
    // Same /64, other replica: refused before the link is even looked at.
    const refused = await guesser(b).signup('guess9@example.com', PASSWORD, `?token=${token}`);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('Request was throttled.');
    expect(
      await sut.query('identity', `SELECT 1 FROM account WHERE email = 'guess9@example.com'`),
    ).toHaveLength(0);
    expect(
      (await browserAt(a, '2001:db8:6:6::1').signup('joiner@example.com', PASSWORD, `?token=${token}`))
        .status,
    ).toBe(302);
  });

  it('limits avatar uploads per user across replicas', async () => {
    const owner = browserAt(a, '198.51.100.2');
    await owner.login('owner@example.com', PASSWORD);
    const { token } = await readJson<{ token: string }>(await owner.get('/api/current-user/token'));
    const me = await readJson<UserBody>(await owner.get('/api/current-user/whoami'));
    const upload = async (base: string) =>
      fetch(`${base}/api/users/${me.id}/avatar/`, {
        method: 'POST',
        headers: via('198.51.100.2', tokenHeaders(token)),
        body: imageForm(await png(12)),
      });
    for (let i = 0; i < AVATAR_UPLOADS; i++) expect((await upload(i % 2 ? b : a)).status).toBe(200);
    const refused = await upload(b);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeTruthy();
  });

  it('limits sign-ups per client across replicas', async () => {
    // Earlier tests signed up from other addresses; this one has the whole budget.
    const statuses: number[] = [];
    for (let i = 0; i <= SIGNUPS; i++) {
      statuses.push(
        (await browserAt(i % 2 ? b : a, '192.0.2.77').signup(`many${i}@example.com`, PASSWORD)).status,
      );
    }
    expect(statuses).toEqual([...Array<number>(SIGNUPS).fill(302), 429]);
    expect(
      await sut.query('identity', `SELECT 1 FROM account WHERE email = 'many${SIGNUPS}@example.com'`),
    ).toHaveLength(0);
  });

  it('delays logins failing from one client, not the owner elsewhere; logs the lockout; the operator unlocks', async () => {
    const guesser = browserAt(a, '203.0.113.50');
    for (let i = 0; i < 3; i++)
      expect((await guesser.login('owner@example.com', `wrong ${i}`)).status).toBe(200);
    const delayed = await browserAt(b, '203.0.113.50').login('owner@example.com', PASSWORD);
    expect(delayed.status).toBe(429);
    expect(Number(delayed.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await browserAt(b, '198.51.100.3').login('owner@example.com', PASSWORD)).status).toBe(302);
    expect(sut.logs.some((l) => l.app === 'identity' && l.line.includes('login lockout'))).toBe(true);
    expect(await sut.query('identity', `SELECT 1 FROM audit_log WHERE action = 'login.locked'`)).toHaveLength(
      1,
    );

    const unlock = await labelStudio(sut, ['unlock_user', '--username', 'owner@example.com']);
    expect(unlock).toMatchObject({ code: 0, stdout: 'User owner@example.com unlocked\n' });
    expect((await browserAt(b, '203.0.113.50').login('owner@example.com', PASSWORD)).status).toBe(302);
  });
});

describe('a class behind one address (default limits)', () => {
  let sut: TestStack;

  beforeAll(async () => {
    sut = await startTestStack({ TRUST_PROXY_HOPS: '1' });
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  it('lets 300 people sign up and log in from one address within one window', async () => {
    const owner = new TestBrowser(sut.baseUrl);
    const headers = { 'x-forwarded-for': '192.0.2.200' };
    const behindNat = () => {
      const browser = new TestBrowser(sut.baseUrl);
      const request = browser.request.bind(browser);
      browser.request = (method, path, init = {}) =>
        request(method, path, { ...init, headers: { ...headers, ...init.headers } });
      return browser;
    };
    expect((await owner.signup('teacher@example.com', PASSWORD)).status).toBe(302);
    const { token } = await readJson<{ token: string }>(await owner.get('/api/invite'));
    const students = Array.from({ length: 300 }, (_, i) => `student${i}@example.com`);
    for (let i = 0; i < students.length; i += 20) {
      const statuses = await Promise.all(
        students.slice(i, i + 20).map(async (email) => {
          const signup = await behindNat().signup(email, PASSWORD, `?token=${token}`);
          const login = await behindNat().login(email, PASSWORD);
          return [signup.status, login.status];
        }),
      );
      expect(statuses.every(([signup, login]) => signup === 302 && login === 302)).toBe(true);
    }
  });
});
