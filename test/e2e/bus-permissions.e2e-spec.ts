import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { createUser } from '@nats-io/nkeys';
import {
  connect,
  headers as natsHeaders,
  NatsConnection,
  nkeyAuthenticator,
  Subscription,
} from '@nats-io/transport-node';
import {
  BUS_APPS,
  BUS_CONTRACTS,
  BusApp,
  IdentityEvents,
  IdentitySubjects,
  inboxPrefix,
  ReadModels,
} from '@app/contracts';
import { encodeJwt, generateSigningKey, privateKeyFromDer } from '@app/jwt';
import { natsConnectionOptions } from '@app/bus';
import { freePort, OBSERVER_SEED } from '../support/nats-server';
import { readJson, TestBrowser } from '../support/http-client';
import { eventually, startTestStack, TestStack } from '../support/stack';

/**
 * The bus is not a trusted network: every app connects as itself, and NATS refuses whatever the
 * contracts do not let that app do. The matrix below is generated from the contracts, so a new
 * contract is covered the day it is added. Probes carry an `x-probe` header; a test-only observer
 * that may read everything tells which of them NATS let through.
 */
/** Runs one built app with `env` until it exits (at most 20 s); its exit code and output. */
function runApp(
  app: string,
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [resolve(__dirname, '../../dist/apps', app, 'src/main.js')], {
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, output });
    });
  });
}

describe('the bus: identities and least privilege, from the contracts', () => {
  let sut: TestStack;
  let observer: NatsConnection;
  const connections = new Map<BusApp, NatsConnection>();
  const run = randomBytes(4).toString('hex');

  const connectAs = async (app: BusApp) => {
    const nc = await connect({ ...natsConnectionOptions(sut.nats.settingsFor(app)), reconnect: false });
    connections.set(app, nc);
    return nc;
  };
  const as = (app: BusApp): NatsConnection => connections.get(app)!;
  const probeHeaders = (id: string) => {
    const h = natsHeaders();
    h.set('x-probe', id);
    return h;
  };
  const settle = async () => {
    for (const nc of connections.values()) await nc.flush().catch(() => undefined);
    await observer.flush();
    await new Promise((r) => setTimeout(r, 300));
    await observer.flush();
  };

  beforeAll(async () => {
    sut = await startTestStack();
    observer = await connect({
      servers: sut.nats.url,
      authenticator: nkeyAuthenticator(new TextEncoder().encode(OBSERVER_SEED)),
    });
    for (const app of BUS_APPS) await connectAs(app);
  });
  afterAll(async () => {
    for (const nc of connections.values()) await nc.close().catch(() => undefined);
    await observer?.close();
    await sut?.dispose();
  });

  it('refuses anonymous connections and unknown keys', async () => {
    await expect(connect({ servers: sut.nats.url, reconnect: false })).rejects.toThrow(/Authorization/i);
    const stranger = new TextDecoder().decode(createUser().getSeed());
    await expect(
      connect({
        servers: sut.nats.url,
        reconnect: false,
        authenticator: nkeyAuthenticator(new TextEncoder().encode(stranger)),
      }),
    ).rejects.toThrow(/Authorization/i);
  });

  it.each(['gateway', 'identity'] as const)(
    '%s stops at once, naming the variable, without credentials or with ones NATS does not know',
    async (app) => {
      const stranger = new TextDecoder().decode(createUser().getSeed());
      const port = String(await freePort());
      const base = {
        ...sut.stack.appEnvironment(app),
        NATS_NKEY_SEED_FILE: '',
        PORT: port,
        // The gateway listens on both (HTTP and its health and metrics port); identity on the second.
        HEALTH_PORT: app === 'gateway' ? String(await freePort()) : port,
      };
      const missing = await runApp(app, { ...base, NATS_NKEY_SEED: '' });
      expect(missing.code).toBe(1);
      expect(missing.output).toMatch(/NATS_NKEY_SEED/);
      const unknown = await runApp(app, { ...base, NATS_NKEY_SEED: stranger });
      expect(unknown.code).toBe(1);
      expect(unknown.output).toMatch(/NATS_NKEY_SEED: NATS refused the credentials of/);
    },
  );

  it('lets each app send exactly the requests and events its contracts give it', async () => {
    const seen = new Set<string>();
    const watch = observer.subscribe('>', {
      callback: (_err, msg) => {
        const id = msg.headers?.get('x-probe');
        if (id?.startsWith(`${run}:`)) seen.add(id);
      },
    });
    // The observer's subscription is in place before anything is sent.
    await observer.flush();
    const expected = new Set<string>();
    const subjects = [
      ...BUS_CONTRACTS.requests.map((c) => ({ subject: c.subject, senders: c.from })),
      ...BUS_CONTRACTS.events.map((c) => ({ subject: c.subject, senders: c.publishedBy })),
    ];
    for (const app of BUS_APPS) {
      for (const { subject, senders } of subjects) {
        const id = `${run}:${app}:${subject}`;
        if (senders.includes(app)) expected.add(id);
        // Not JSON: a message that does get through is skipped by whoever receives it.
        as(app).publish(subject, new TextEncoder().encode('probe'), { headers: probeHeaders(id) });
      }
    }
    await settle();
    watch.unsubscribe();
    expect([...seen].sort()).toEqual([...expected].sort());
  });

  it('lets each app serve exactly the requests its contracts say it serves', async () => {
    const received = new Set<string>();
    const subscriptions: Subscription[] = [];
    const expected = new Set<string>();
    for (const app of BUS_APPS) {
      for (const contract of BUS_CONTRACTS.requests) {
        const tag = `${app}:${contract.subject}`;
        if (contract.servedBy === app) expected.add(tag);
        subscriptions.push(
          as(app).subscribe(contract.subject, {
            queue: `probe-${run}-${app}`,
            callback: (err, msg) => {
              if (!err && msg.headers?.get('x-probe') === `${run}:serve`) received.add(tag);
            },
          }),
        );
      }
    }
    await settle();
    for (const contract of BUS_CONTRACTS.requests) {
      observer.publish(contract.subject, new TextEncoder().encode('probe'), {
        headers: probeHeaders(`${run}:serve`),
      });
    }
    await settle();
    for (const sub of subscriptions) sub.unsubscribe();
    expect([...received].sort()).toEqual([...expected].sort());
  });

  it("lets no app read another app's replies", async () => {
    const received = new Set<string>();
    const expected = new Set<string>();
    const subscriptions: Subscription[] = [];
    for (const app of BUS_APPS) {
      for (const owner of BUS_APPS) {
        const tag = `${app}:${owner}`;
        if (app === owner) expected.add(tag);
        subscriptions.push(
          as(app).subscribe(`${inboxPrefix(owner)}.${run}.>`, {
            // A refused subscription is closed with an error: only messages count.
            callback: (err) => {
              if (!err) received.add(tag);
            },
          }),
        );
      }
    }
    await settle();
    for (const owner of BUS_APPS) observer.publish(`${inboxPrefix(owner)}.${run}.reply`, new Uint8Array());
    await settle();
    for (const sub of subscriptions) sub.unsubscribe();
    expect([...received].sort()).toEqual([...expected].sort());
  });

  it('keeps JetStream to each app’s own streams and consumers', async () => {
    const refused = async (app: BusApp, call: (nc: NatsConnection) => Promise<unknown>) => {
      const outcome = await Promise.race([
        call(as(app)).then(
          () => 'allowed',
          (error: unknown) => String(error),
        ),
        new Promise<string>((r) => setTimeout(() => r('no answer'), 3_000)),
      ]);
      return outcome !== 'allowed';
    };
    const jsm = (nc: NatsConnection) => jetstreamManager(nc, { checkAPI: false });
    // Reading identity's facts is for its consumers, through their own durable consumers only.
    expect(
      await refused('gateway', async (nc) => (await jsm(nc)).streams.getMessage('IDENTITY', { seq: 1 })),
    ).toBe(true);
    expect(
      await refused('profiles', async (nc) =>
        (await jsm(nc)).consumers.add('INVITATIONS', { durable_name: 'identity-member-removed' }),
      ),
    ).toBe(true);
    expect(
      await refused('invitations', async (nc) =>
        (await jsm(nc)).consumers.add('IDENTITY', { durable_name: 'profiles-user-registered' }),
      ),
    ).toBe(true);
    // Nobody but a stream's owner creates it (or one that would capture its subjects).
    expect(
      await refused('gateway', async (nc) =>
        (await jsm(nc)).streams.add({ name: `GRAB_${run}`, subjects: ['identity.events.>'] }),
      ),
    ).toBe(true);
    expect(await refused('labeling', async (nc) => (await jsm(nc)).streams.delete('LABELING'))).toBe(true);
    // And what an app does need still works.
    expect(await refused('identity', async (nc) => (await jsm(nc)).streams.info('IDENTITY'))).toBe(false);
  });

  it('lets no responder answer into a stream (nats-server discussion #8924)', async () => {
    const jsm = await jetstreamManager(observer);
    const count = async () => (await jsm.streams.info(IdentityEvents.stream.name)).state.messages;
    const before = await count();
    // A request identity serves, whose answer would land in identity's own stream: NATS lets
    // identity publish there, so identity itself refuses to answer anywhere but a sender's inbox.
    as('gateway').publish(
      IdentitySubjects.getAccount.subject,
      new TextEncoder().encode(
        JSON.stringify({ pattern: IdentitySubjects.getAccount.subject, data: { userId: 1 }, id: run }),
      ),
      { reply: IdentityEvents.userRegistered.subject },
    );
    // Nor may any responder answer outside its senders' inboxes (a reply to
    // `$JS.API.STREAM.DELETE.…` would delete a stream): NATS refuses the publish.
    as('profiles').publish('$JS.API.STREAM.DELETE.IDENTITY', new TextEncoder().encode('{}'));
    await settle();
    await new Promise((r) => setTimeout(r, 500));
    expect(await count()).toBe(before);
    expect((await jsm.streams.info(IdentityEvents.stream.name)).config.deny_delete).toBe(true);
  });

  it('acts on no event its publisher did not sign, however it got into the stream', async () => {
    const jsm = await jetstreamManager(observer);
    const count = async () => (await jsm.streams.info(IdentityEvents.stream.name)).state.messages;
    const before = await count();
    // On one account NATS stores the answer to a JetStream API call the gateway may make in
    // whatever stream its reply subject names…
    as('gateway').publish('$JS.API.STREAM.INFO.OBJ_avatar-uploads', new Uint8Array(), {
      reply: IdentityEvents.userRegistered.subject,
    });
    // …and a well-formed registration, as any such path could bring in, for a user who never signed up.
    const forged = { userId: 424242, email: 'forged@example.com', username: 'forged', organizationId: 1 };
    observer.publish(
      IdentityEvents.userRegistered.subject,
      new TextEncoder().encode(
        JSON.stringify({
          ...forged,
          allowNewsletters: null,
          setActiveOrganization: true,
          occurredAt: new Date().toISOString(),
        }),
      ),
    );
    await settle();
    expect(await count()).toBeGreaterThan(before);
    // A real signup after them is processed, so the consumers have passed the forged ones.
    const browser = new TestBrowser(sut.baseUrl);
    expect((await browser.signup(`real-${run}@example.com`, 'a long password 1')).status).toBe(302);
    const realId = (await readJson<{ id: number }>(await browser.get('/api/current-user/whoami'))).id;
    await eventually(async () => {
      const rows = await sut.query('profiles', 'SELECT 1 FROM profile WHERE user_id = $1', [realId]);
      return rows.length ? true : undefined;
    });
    await eventually(async () => {
      const rows = await sut.query('invitations', 'SELECT 1 FROM organization_member WHERE user_id = $1', [
        realId,
      ]);
      return rows.length ? true : undefined;
    });
    expect(
      await sut.query('invitations', 'SELECT 1 FROM organization_member WHERE user_id = $1', [forged.userId]),
    ).toEqual([]);
    expect(await sut.query('profiles', 'SELECT 1 FROM profile WHERE user_id = $1', [forged.userId])).toEqual(
      [],
    );
    const ignored = sut.logs.filter((l) => l.line.includes('Event not signed by its publisher'));
    expect([...new Set(ignored.map((l) => l.app))]).toEqual(
      expect.arrayContaining(['invitations', 'profiles']),
    );
  });

  it('lets only identity publish signing keys; a key it did not sign verifies no access token', async () => {
    const browser = new TestBrowser(sut.baseUrl);
    expect((await browser.signup(`keys-${run}@example.com`, 'a long password 1')).status).toBe(302);
    const userId = (await readJson<{ id: number }>(await browser.get('/api/current-user/whoami'))).id;
    const { token: pat } = await readJson<{ token: string }>(await browser.api('POST', '/api/token/'));
    const refreshed = await fetch(`${sut.baseUrl}/api/token/refresh/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh: pat }),
    });
    const { access } = await readJson<{ access: string }>(refreshed);
    const whoami = (token: string) =>
      fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect((await whoami(access)).status).toBe(200);

    // An attacker's own key, and a token for that user signed with it.
    const key = generateSigningKey();
    const forgedKey = (kid: string) =>
      new TextEncoder().encode(
        JSON.stringify({
          kid,
          algorithm: 'EdDSA',
          publicKey: key.publicKey,
          activeFrom: new Date(Date.now() - 60_000).toISOString(),
          retiredAt: null,
        }),
      );
    const now = Math.floor(Date.now() / 1000);
    const forgedToken = (kid: string) =>
      encodeJwt(
        {
          token_type: 'access',
          exp: now + 300,
          iat: now,
          jti: randomBytes(16).toString('hex'),
          user_id: userId,
        },
        kid,
        privateKeyFromDer(key.privateKey),
      );
    const bucket = ReadModels.signingKeys.bucket;

    // No app but identity may write the bucket: NATS refuses the others' publishes.
    const others = BUS_APPS.filter((app) => app !== 'identity');
    const outcomes = await Promise.all(
      others.map((app, i) =>
        Promise.race([
          jetstream(as(app))
            .publish(`$KV.${bucket}.${run}${'0'.repeat(7)}${i}`, forgedKey(`${run}${'0'.repeat(7)}${i}`))
            .then(
              () => 'stored',
              () => 'refused',
            ),
          new Promise<string>((r) => setTimeout(() => r('no answer'), 3_000)),
        ]),
      ),
    );
    expect(outcomes.every((outcome) => outcome !== 'stored')).toBe(true);
    const kv = await new Kvm(observer).open(bucket);
    for (let i = 0; i < others.length; i += 1) expect(await kv.get(`${run}${'0'.repeat(7)}${i}`)).toBeNull();

    // Written anyway (by a path around the permissions), unsigned: the gateway ignores it.
    const kid = `${run}${'f'.repeat(8)}`;
    await jetstream(observer).publish(`$KV.${bucket}.${kid}`, forgedKey(kid));
    await eventually(async () =>
      sut.logs.some(
        (l) =>
          l.app === 'gateway' &&
          l.line.includes(`ReadModel(${bucket})`) &&
          l.line.includes('Read model value not signed by its owner'),
      )
        ? true
        : undefined,
    );
    const refused = await whoami(forgedToken(kid));
    expect(refused.status).toBe(401);
    expect(await readJson(refused)).toMatchObject({
      detail: 'Authentication credentials were not provided.',
    });
    // Nor does a token claiming identity's real key id with the attacker's signature.
    const [, payload] = access.split('.');
    const genuineKid = (
      JSON.parse(Buffer.from(access.split('.')[0], 'base64url').toString()) as { kid: string }
    ).kid;
    const [header, , signature] = forgedToken(genuineKid).split('.');
    expect((await whoami(`${header}.${payload}.${signature}`)).status).toBe(401);
    expect((await whoami(access)).status).toBe(200);
  });
});
