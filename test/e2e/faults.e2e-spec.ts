import { readJson, TestBrowser, tokenHeaders, UserBody } from '../support/http-client';
import { eventually, startTestStack, TestStack } from '../support/stack';

/** A stopped service or bus is a clear 503 within seconds; nothing acknowledged is lost. */
describe('faults: services and the bus going away', () => {
  let sut: TestStack;
  let token: string;

  const whoami = (headers: Record<string, string>) =>
    fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers, signal: AbortSignal.timeout(10_000) });

  beforeAll(async () => {
    // The gateway trusts its read model for 2 s after losing NATS (30 s by default), then fails closed.
    sut = await startTestStack({ READ_MODEL_MAX_STALE_MS: '2000' });
    const owner = new TestBrowser(sut.baseUrl);
    expect((await owner.signup('owner@example.com', 'owner password 1')).status).toBe(302);
    token = (await readJson<{ token: string }>(await owner.get('/api/current-user/token'))).token;
  });
  afterAll(async () => {
    await sut?.dispose();
  });
  // A failed test must not leave a service stopped for the next one.
  afterEach(async () => {
    await sut?.stack.start();
  });

  it('signs a person up while profiles is down; the profile appears when it is back', async () => {
    await sut.stack.stopApp('profiles');

    const carol = new TestBrowser(sut.baseUrl);
    const signup = await carol.signup('carol@example.com', 'carol password 1');
    expect(signup.status).toBe(302);
    // What does not need profiles keeps working.
    expect((await carol.get('/api/current-user/token')).status).toBe(200);
    expect((await carol.login('carol@example.com', 'carol password 1')).status).toBe(302);
    // What needs it says so at once.
    const started = Date.now();
    const down = await carol.get('/api/current-user/whoami');
    expect(down.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await readJson(down)).toMatchObject({ status_code: 503, exc_info: null });

    await sut.stack.startApp('profiles');
    const me = await eventually(async () => {
      const res = await carol.get('/api/current-user/whoami');
      return res.status === 200 ? readJson<UserBody>(res) : undefined;
    });
    expect(me.email).toBe('carol@example.com');
    // Made from identity's durable event once profiles is back.
    await eventually(async () => {
      const rows = await sut.query('profiles', 'SELECT user_id FROM profile WHERE user_id = $1', [me.id]);
      return rows.length === 1 ? true : undefined;
    });
  });

  it('refuses a signup with 503 and creates nothing while invitations cannot decide it', async () => {
    await sut.stack.stopApp('invitations');
    const dave = new TestBrowser(sut.baseUrl);
    const res = await dave.signup('dave@example.com', 'dave password 1');
    expect(res.status).toBe(503);
    await sut.stack.startApp('invitations');
    const rows = await sut.query('identity', 'SELECT id FROM account WHERE email = $1', ['dave@example.com']);
    expect(rows).toHaveLength(0);
    expect((await dave.signup('dave@example.com', 'dave password 1')).status).toBe(302);
  });

  it('answers 503 without hanging while identity is stopped, and recovers without restarting the gateway', async () => {
    await sut.stack.stopApp('identity');
    // A token the gateway's read model holds needs nobody…
    expect((await whoami(tokenHeaders(token))).status).toBe(200);
    // …one it does not know can only be checked by identity: a clear 503 at once.
    const started = Date.now();
    const res = await whoami(tokenHeaders('f'.repeat(40)));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(Date.now() - started).toBeLessThan(3_000);
    const body = JSON.stringify(await readJson(res));
    expect(body).not.toMatch(/identity\.|nats:|127\.0\.0\.1|stack|at /);

    await sut.stack.startApp('identity');
    await eventually(async () => ((await whoami(tokenHeaders(token))).status === 200 ? true : undefined));
  });

  it('requests in flight while a service shuts down end as 200 or a clear 503/504, never a hang or a 500', async () => {
    const inFlight = Array.from({ length: 60 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 5)).then(() => whoami(tokenHeaders(token)).then((r) => r.status)),
    );
    await new Promise((r) => setTimeout(r, 50));
    await sut.stack.stopApp('invitations');
    const statuses = await Promise.all(inFlight);
    for (const status of statuses) expect([200, 503, 504]).toContain(status);
    await sut.stack.startApp('invitations');
    await eventually(async () => ((await whoami(tokenHeaders(token))).status === 200 ? true : undefined));
  });

  it('serves from memory for a bounded time while NATS is down, then 503, and recovers when it returns', async () => {
    await sut.nats.stop();
    // What the replica holds still answers at first (READ_MODEL_MAX_STALE_MS)…
    expect((await whoami(tokenHeaders(token))).status).toBe(200);
    // …then it fails closed: revocations made meanwhile could not reach it.
    await eventually(
      async () => ((await whoami(tokenHeaders(token))).status === 503 ? true : undefined),
      10_000,
    );
    await sut.nats.resume();
    await eventually(
      async () => ((await whoami(tokenHeaders(token))).status === 200 ? true : undefined),
      30_000,
    );
  });
});
