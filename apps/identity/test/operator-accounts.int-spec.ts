import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { jetstream } from '@nats-io/jetstream';
import { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { BusClient, ensureStream, publishEvent } from '@app/bus';
import { ConfigError } from '@app/config';
import {
  ErrorCode,
  IdentityEvents,
  IdentitySubjects,
  InvitationsEvents,
  MemberRemovedEvent,
  ProvisionAccountRequest,
} from '@app/contracts';
import { createTestDatabase, TestDatabase } from '../../../test/support/infra';
import { TestNatsServer } from '../../../test/support/nats-server';
import { connectAs, connectAsObserver, publishUnchecked, RawBus } from '../../../test/support/raw-bus';
import { ProvisionAccountUseCase } from '../src/accounts/provision-account.usecase';
import { BootstrapAccount } from '../src/bootstrap/bootstrap-account';
import { loadIdentityConfig } from '../src/config';
import { startIdentity } from '../src/start-identity';
import { findSecretFields } from './secret-fields';
import { busErrorOf } from '../../../test/support/bus-errors';

const anEmail = (name = 'op') => `${name}.${randomBytes(4).toString('hex')}@example.com`;
const aPassword = () => `Pw-${randomBytes(6).toString('hex')}`;
const aToken = () => `tok-${randomBytes(8).toString('hex')}`;

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const identityEnv = (db: TestDatabase, nats: TestNatsServer, extra: Record<string, string> = {}) => ({
  DATABASE_URL: db.url,
  ...nats.envFor('identity'),
  LOG_LEVEL: 'silent',
  HEALTH_PORT: '0',
  SECRET_KEY: 'operator-accounts-test-secret-key-0123456789',
  BCRYPT_COST: '4',
  ...extra,
});

describe('identity: the operator’s account messages', () => {
  let db: TestDatabase;
  let nats: TestNatsServer;
  let app: INestApplication;
  /** The gateway: sign-in and authentication, to see what the operator's changes do. */
  let bus: BusClient;
  /** The operator's CLI, with the admin credentials: the only sender of the operator subjects. */
  let operator: BusClient;
  let sql: Client;
  const replies: unknown[] = [];

  const admin = async <T>(promise: Promise<T>): Promise<T> => {
    const reply = await promise;
    replies.push(reply);
    return reply;
  };
  const provision = (overrides: Partial<ProvisionAccountRequest> = {}) =>
    admin(
      operator.request(IdentitySubjects.provisionAccount, {
        email: anEmail(),
        password: aPassword(),
        ...overrides,
      }),
    );
  const login = (email: string, password: string) =>
    bus.request(IdentitySubjects.login, { email, password, persistent: true, clientIp: '192.0.2.9' });
  const auditOf = async (userId: number, action: string) =>
    (
      await sql.query('SELECT actor, details FROM audit_log WHERE subject_user_id = $1 AND action = $2', [
        userId,
        action,
      ])
    ).rows;

  beforeAll(async () => {
    [db, nats] = await Promise.all([createTestDatabase('identity_operator'), TestNatsServer.start()]);
    app = await startIdentity(loadIdentityConfig(identityEnv(db, nats)), { host: '127.0.0.1' });
    bus = new BusClient(nats.settingsFor('gateway', 10_000));
    operator = new BusClient(nats.settingsFor('admin', 10_000));
    await Promise.all([bus.connect(), operator.connect()]);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await bus?.close();
    await operator?.close();
    await app?.close();
    await sql?.end();
    await nats?.dispose();
    await db?.drop();
  });

  describe('provisionAccount', () => {
    it('creates a superuser with an empty username, the chosen token, and the registration fact', async () => {
      const email = anEmail('boss');
      const token = aToken();
      const reply = await provision({ email: `  ${email.toUpperCase()} `, token });
      expect(reply.created).toBe(true);
      expect(reply.account).toMatchObject({ email, username: '', isActive: true, isSuperuser: true });
      const { rows } = await sql.query('SELECT is_staff FROM account WHERE id = $1', [reply.account.id]);
      expect(rows).toEqual([{ is_staff: true }]);

      await expect(bus.request(IdentitySubjects.authenticateToken, { key: token })).resolves.toMatchObject({
        userId: reply.account.id,
      });
      await expect(
        operator.request(IdentitySubjects.getToken, { userId: reply.account.id }),
      ).resolves.toEqual({
        token,
      });
      const events = await sql.query(
        `SELECT payload FROM outbox WHERE subject = $1 AND payload->>'userId' = $2`,
        [IdentityEvents.userRegistered.subject, String(reply.account.id)],
      );
      expect(events.rows.map((r) => r.payload)).toEqual([
        expect.objectContaining({ email, username: '', organizationId: null, setActiveOrganization: true }),
      ]);
      expect(await auditOf(reply.account.id, 'account.provision')).toEqual([
        { actor: 'admin', details: { email, source: 'bus', chosenToken: true } },
      ]);
    });

    it('generates Label Studio’s 40-hex token when none is chosen, and the password logs in', async () => {
      const password = aPassword();
      const { account } = await provision({ password });
      const { token } = await operator.request(IdentitySubjects.getToken, { userId: account.id });
      expect(token).toMatch(/^[0-9a-f]{40}$/);
      await expect(login(account.email, password)).resolves.toMatchObject({ account: { id: account.id } });
    });

    it('leaves an existing account exactly as it is', async () => {
      const email = anEmail();
      const password = aPassword();
      const first = await provision({ email, password });
      const { token } = await operator.request(IdentitySubjects.getToken, { userId: first.account.id });
      const before = await sql.query('SELECT * FROM account WHERE id = $1', [first.account.id]);

      const again = await provision({ email: email.toUpperCase(), password: aPassword(), token: aToken() });
      expect(again).toEqual({ account: first.account, created: false });
      expect((await sql.query('SELECT * FROM account WHERE id = $1', [first.account.id])).rows).toEqual(
        before.rows,
      );
      await expect(
        operator.request(IdentitySubjects.getToken, { userId: first.account.id }),
      ).resolves.toEqual({
        token,
      });
      await expect(login(email, password)).resolves.toBeDefined();
    });

    it('refuses a token shorter than 5 characters and creates nothing', async () => {
      const email = anEmail();
      const error = await busErrorOf(provision({ email, token: 'abcd' }));
      expect(error.toPayload()).toEqual({
        code: ErrorCode.ValidationFailed,
        message: 'Token must be at least 5 characters',
        fields: { token: ['Token must be at least 5 characters'] },
      });
      const { rows } = await sql.query('SELECT 1 FROM account WHERE email = $1', [email]);
      expect(rows).toHaveLength(0);
    });

    it('accepts a token of exactly 5 characters', async () => {
      const token = randomBytes(3).toString('hex').slice(0, 5);
      const { account } = await provision({ token });
      await expect(bus.request(IdentitySubjects.authenticateToken, { key: token })).resolves.toMatchObject({
        userId: account.id,
      });
    });

    it('refuses a token another user holds (Conflict) and creates nothing', async () => {
      const token = aToken();
      await provision({ token });
      const email = anEmail();
      const error = await busErrorOf(provision({ email, token }));
      expect(error.code).toBe(ErrorCode.Conflict);
      expect((await sql.query('SELECT 1 FROM account WHERE email = $1', [email])).rows).toHaveLength(0);
    });

    it('applies the signup policy to the email and the password', async () => {
      const error = await busErrorOf(provision({ email: 'nope', password: 'short' }));
      expect(error).toMatchObject({
        code: ErrorCode.ValidationFailed,
        fields: {
          email: ['Enter a valid email address.'],
          password: ['Please enter a password 8\u2013128 characters in length.'],
        },
      });
    });

    it('is the operator’s path only: a signed-in user may not provision', async () => {
      const email = anEmail();
      // The gateway's client will not send an operator subject, and NATS refuses it to the gateway.
      const error = await busErrorOf(
        bus.request(IdentitySubjects.provisionAccount, { email, password: aPassword() }, { caller: 7 }),
      );
      expect(error.code).toBe(ErrorCode.Internal);
      const gateway = await RawBus.connect(nats, 'gateway');
      try {
        const refused = await gateway.failureOf(
          IdentitySubjects.provisionAccount.subject,
          { email, password: aPassword() },
          { caller: 7 },
        );
        expect(refused.code).toBe('PERMISSIONS_VIOLATION');
      } finally {
        await gateway.close();
      }
      expect((await sql.query('SELECT 1 FROM account WHERE email = $1', [email])).rows).toHaveLength(0);
    });

    it('creates exactly one account when several replicas provision one email at once', async () => {
      const email = anEmail('race');
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          provision({ email: i % 2 ? email.toUpperCase() : email, password: aPassword() }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.account.id)).size).toBe(1);
      const { rows } = await sql.query('SELECT count(*)::int AS n FROM account WHERE email = $1', [email]);
      expect(rows[0].n).toBe(1);
    });
  });

  describe('findAccount and listAllAccounts', () => {
    it('finds by normalised email', async () => {
      const { account } = await provision();
      await expect(
        admin(operator.request(IdentitySubjects.findAccount, { email: ` ${account.email.toUpperCase()}\n` })),
      ).resolves.toEqual(account);
    });

    it.each([
      '',
      '   ',
      'nobody@example.com',
      'a\u0000b@example.com',
      `${'x'.repeat(300)}@example.com`,
      "'; --",
    ])('answers NotFound for %j', async (email) => {
      const error = await busErrorOf(operator.request(IdentitySubjects.findAccount, { email }));
      expect(error.toPayload()).toEqual({
        code: ErrorCode.NotFound,
        message: 'No User matches the given query.',
      });
    });

    it('lists every account in pages ordered by id', async () => {
      await provision();
      await provision();
      const all = await admin(operator.request(IdentitySubjects.listAllAccounts, { offset: 0, limit: 1000 }));
      const ids = all.map((a) => a.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      const { rows } = await sql.query('SELECT count(*)::int AS n FROM account');
      expect(all).toHaveLength(rows[0].n);
      const page = await operator.request(IdentitySubjects.listAllAccounts, { offset: 1, limit: 2 });
      expect(page.map((a) => a.id)).toEqual(ids.slice(1, 3));
    });

    it.each([
      { offset: 0, limit: 1001 },
      { offset: 0, limit: 0 },
      { offset: -1, limit: 10 },
    ])('refuses the page %j', async (page) => {
      expect((await busErrorOf(operator.request(IdentitySubjects.listAllAccounts, page))).code).toBe(
        ErrorCode.ValidationFailed,
      );
    });
  });

  describe('setPassword', () => {
    it('changes the password and ends every session of the user', async () => {
      const password = aPassword();
      const { account } = await provision({ password });
      const other = await provision();
      const sessions = await Promise.all([login(account.email, password), login(account.email, password)]);
      const bystander = await login(other.account.email, 'unused').catch(() => undefined);
      expect(bystander).toBeUndefined();
      const otherPassword = aPassword();
      await operator.request(IdentitySubjects.setPassword, {
        userId: other.account.id,
        password: otherPassword,
      });
      const otherSession = await login(other.account.email, otherPassword);

      const fresh = aPassword();
      await expect(
        admin(operator.request(IdentitySubjects.setPassword, { userId: account.id, password: fresh })),
      ).resolves.toEqual({});

      for (const { session } of sessions) {
        const error = await busErrorOf(
          bus.request(IdentitySubjects.authenticateSession, { key: session.key }),
        );
        expect(error.code).toBe(ErrorCode.Unauthenticated);
      }
      // Somebody else's session is untouched.
      await expect(
        bus.request(IdentitySubjects.authenticateSession, { key: otherSession.session.key }),
      ).resolves.toMatchObject({ userId: other.account.id });
      expect((await busErrorOf(login(account.email, password))).code).toBe(ErrorCode.LoginFailed);
      await expect(login(account.email, fresh)).resolves.toMatchObject({ account: { id: account.id } });
      expect(await auditOf(account.id, 'password.reset')).toEqual([
        { actor: 'admin', details: { sessionsEnded: 2 } },
      ]);
    });

    it.each([
      ['', 'Can not set empty password'],
      ['short', 'Please enter a password 8\u2013128 characters in length.'],
    ])('refuses %j with %s', async (password, message) => {
      const { account } = await provision();
      const error = await busErrorOf(
        operator.request(IdentitySubjects.setPassword, { userId: account.id, password }),
      );
      expect(error.toPayload()).toEqual({
        code: ErrorCode.ValidationFailed,
        message,
        fields: { password: [message] },
      });
    });

    it('refuses a password too similar to the email', async () => {
      const { account } = await provision({
        email: `johnsmith.${randomBytes(2).toString('hex')}@example.com`,
      });
      const error = await busErrorOf(
        operator.request(IdentitySubjects.setPassword, { userId: account.id, password: account.email }),
      );
      expect(error.message).toBe('The password is too similar to the email address.');
    });

    it('refuses the current password, and keeps the sessions', async () => {
      const password = aPassword();
      const { account } = await provision({ password });
      const { session } = await login(account.email, password);
      const error = await busErrorOf(
        operator.request(IdentitySubjects.setPassword, { userId: account.id, password }),
      );
      expect(error.toPayload()).toMatchObject({
        code: ErrorCode.ValidationFailed,
        message: 'Entered password is the same as current',
      });
      await expect(
        bus.request(IdentitySubjects.authenticateSession, { key: session.key }),
      ).resolves.toBeDefined();
    });

    it('sets a password on an account that had none (POST /api/users/)', async () => {
      const created = await bus.request(IdentitySubjects.createAccount, {
        email: anEmail(),
        username: 'nopass',
        organizationId: 1,
      });
      const password = aPassword();
      await operator.request(IdentitySubjects.setPassword, { userId: created.id, password });
      await expect(login(created.email, password)).resolves.toBeDefined();
    });

    it('answers NotFound for an unknown user', async () => {
      const error = await busErrorOf(
        operator.request(IdentitySubjects.setPassword, { userId: 2_000_000_000, password: aPassword() }),
      );
      expect(error.code).toBe(ErrorCode.NotFound);
    });
  });

  describe('setActive', () => {
    it('deactivation ends sessions and stops the token; activation lets the user back in', async () => {
      const password = aPassword();
      const token = aToken();
      const { account } = await provision({ password, token });
      const { session } = await login(account.email, password);

      const off = await admin(
        operator.request(IdentitySubjects.setActive, { userId: account.id, active: false }),
      );
      expect(off).toEqual({ ...account, isActive: false, lastLogin: expect.any(String) });
      expect(await busErrorOf(bus.request(IdentitySubjects.authenticateToken, { key: token }))).toMatchObject(
        {
          message: 'User inactive or deleted.',
        },
      );
      expect(
        (await busErrorOf(bus.request(IdentitySubjects.authenticateSession, { key: session.key }))).code,
      ).toBe(ErrorCode.Unauthenticated);
      expect((await busErrorOf(login(account.email, password))).code).toBe(ErrorCode.LoginFailed);

      // Idempotent: a second deactivation changes and records nothing.
      await operator.request(IdentitySubjects.setActive, { userId: account.id, active: false });
      expect(await auditOf(account.id, 'account.deactivate')).toEqual([
        { actor: 'admin', details: { reason: 'operator', sessionsEnded: 1 } },
      ]);

      const on = await operator.request(IdentitySubjects.setActive, { userId: account.id, active: true });
      expect(on.isActive).toBe(true);
      await expect(bus.request(IdentitySubjects.authenticateToken, { key: token })).resolves.toMatchObject({
        userId: account.id,
      });
      expect(await auditOf(account.id, 'account.activate')).toHaveLength(1);
    });

    it('answers NotFound for an unknown user', async () => {
      const error = await busErrorOf(
        operator.request(IdentitySubjects.setActive, { userId: 2_000_000_000, active: false }),
      );
      expect(error.code).toBe(ErrorCode.NotFound);
    });
  });

  describe('invitations’ member-removed events', () => {
    /** Invitations, with its own credentials: the publisher of member-removed and its stream's owner. */
    let nc: NatsConnection;
    let sequence = 0;
    const publish = async (event: Partial<MemberRemovedEvent> & { userId: number }) => {
      await publishEvent(
        nc,
        nats.settingsFor('invitations'),
        InvitationsEvents.memberRemoved,
        {
          organizationId: 1,
          removedBy: 1,
          remainingActiveMemberships: 0,
          occurredAt: new Date().toISOString(),
          ...event,
        },
        `test-member-removed-${++sequence}-${randomBytes(4).toString('hex')}`,
      );
    };
    const isActive = async (userId: number) =>
      (await sql.query('SELECT is_active FROM account WHERE id = $1', [userId])).rows[0]
        ?.is_active as boolean;

    beforeAll(async () => {
      nc = await connectAs(nats, 'invitations');
      await ensureStream(nc, InvitationsEvents.stream);
    });
    afterAll(async () => {
      await nc?.close();
    });

    it('deactivates a user removed from their last organization, once, and ends their sessions', async () => {
      const password = aPassword();
      const { account } = await provision({ password });
      const { session } = await login(account.email, password);
      await publish({ userId: account.id });
      await publish({ userId: account.id }); // redelivered or repeated: no second change
      await eventually(async () => ((await isActive(account.id)) === false ? true : undefined));
      expect(
        (await busErrorOf(bus.request(IdentitySubjects.authenticateSession, { key: session.key }))).code,
      ).toBe(ErrorCode.Unauthenticated);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await auditOf(account.id, 'account.deactivate')).toEqual([
        { actor: '1', details: { reason: 'membership-removed', sessionsEnded: 1 } },
      ]);
    });

    it('keeps a user who is still an active member elsewhere, and skips unknown or malformed events', async () => {
      const kept = await provision();
      const removed = await provision();
      await publish({ userId: kept.account.id, remainingActiveMemberships: 1 });
      await publish({ userId: 2_000_000_000 });
      await publishUnchecked(
        nc,
        nats,
        'invitations',
        InvitationsEvents.memberRemoved.subject,
        { nonsense: true },
        `bad-${randomBytes(4).toString('hex')}`,
      );
      await publish({ userId: removed.account.id });
      // Events are handled in order: once the last one took effect, the earlier ones were handled.
      await eventually(async () => ((await isActive(removed.account.id)) === false ? true : undefined));
      expect(await isActive(kept.account.id)).toBe(true);
    });

    it('ignores a member-removed event its publisher did not sign', async () => {
      const target = await provision();
      const removed = await provision();
      const payload = {
        organizationId: 1,
        userId: target.account.id,
        removedBy: 1,
        remainingActiveMemberships: 0,
        occurredAt: new Date().toISOString(),
      };
      const data = JSON.stringify(payload);
      const observer = await connectAsObserver(nats);
      try {
        // Unsigned (what a reply aimed at the stream would look like), then signed by another app.
        await jetstream(observer).publish(InvitationsEvents.memberRemoved.subject, data, {
          msgID: `unsigned-${randomBytes(4).toString('hex')}`,
        });
        await publishUnchecked(
          observer,
          nats,
          'gateway',
          InvitationsEvents.memberRemoved.subject,
          payload,
          `forged-${randomBytes(4).toString('hex')}`,
        );
      } finally {
        await observer.close();
      }
      await publish({ userId: removed.account.id });
      await eventually(async () => ((await isActive(removed.account.id)) === false ? true : undefined));
      expect(await isActive(target.account.id)).toBe(true);
    });

    it('deactivates at once when invitations asks, as the event would', async () => {
      const password = aPassword();
      const { account } = await provision({ password });
      const { session } = await login(account.email, password);
      const invitations = new BusClient(nats.settingsFor('invitations', 10_000));
      await invitations.connect();
      try {
        const request = { userId: account.id, removedBy: 1 };
        await expect(invitations.request(IdentitySubjects.deactivateRemovedMember, request)).resolves.toEqual(
          {},
        );
        await expect(invitations.request(IdentitySubjects.deactivateRemovedMember, request)).resolves.toEqual(
          {},
        );
        await expect(
          invitations.request(IdentitySubjects.deactivateRemovedMember, {
            userId: 2_000_000_000,
            removedBy: null,
          }),
        ).resolves.toEqual({});
      } finally {
        await invitations.close();
      }
      expect(await isActive(account.id)).toBe(false);
      expect(
        (await busErrorOf(bus.request(IdentitySubjects.authenticateSession, { key: session.key }))).code,
      ).toBe(ErrorCode.Unauthenticated);
      expect(await auditOf(account.id, 'account.deactivate')).toEqual([
        { actor: '1', details: { reason: 'membership-removed', sessionsEnded: 1 } },
      ]);
      // Only invitations may ask.
      expect(
        (
          await busErrorOf(
            bus.request(IdentitySubjects.deactivateRemovedMember, { userId: 1, removedBy: null }),
          )
        ).code,
      ).toBe(ErrorCode.Internal);
    });
  });

  it('never puts a secret field in any reply', () => {
    expect(replies.length).toBeGreaterThan(10);
    expect(findSecretFields(replies)).toEqual([]);
  });
});

describe('identity: the bootstrap account from LABEL_STUDIO_USERNAME', () => {
  let db: TestDatabase;
  let nats: TestNatsServer;
  let sql: Client;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    [db, nats] = await Promise.all([createTestDatabase('identity_bootstrap'), TestNatsServer.start()]);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await sql?.end();
    await nats?.dispose();
    await db?.drop();
  });

  const bootstrapEnv = {
    LABEL_STUDIO_USERNAME: 'Owner@Example.com',
    LABEL_STUDIO_PASSWORD: 'Correct-Horse-9',
    LABEL_STUDIO_USER_TOKEN: 'bootstrap-token-1',
  };

  it('creates the account once when three replicas start at the same moment on a fresh database', async () => {
    const config = loadIdentityConfig(identityEnv(db, nats, bootstrapEnv));
    apps.push(...(await Promise.all([1, 2, 3].map(() => startIdentity(config, { host: '127.0.0.1' })))));
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    const { rows } = await sql.query('SELECT id, email, username, is_superuser, is_staff FROM account');
    expect(rows).toEqual([
      {
        id: expect.any(Number),
        email: 'owner@example.com',
        username: '',
        is_superuser: true,
        is_staff: true,
      },
    ]);
    const audit = await sql.query(`SELECT actor, details FROM audit_log WHERE action = 'account.provision'`);
    expect(audit.rows).toEqual([
      { actor: null, details: { email: 'owner@example.com', source: 'environment', chosenToken: true } },
    ]);

    const bus = new BusClient(nats.settingsFor('gateway', 10_000));
    await bus.connect();
    try {
      await expect(
        bus.request(IdentitySubjects.authenticateToken, { key: 'bootstrap-token-1' }),
      ).resolves.toMatchObject({ userId: rows[0].id, email: 'owner@example.com' });
    } finally {
      await bus.close();
    }
  });

  it('leaves the existing account alone on the next start, even with another password and token', async () => {
    const before = await sql.query('SELECT * FROM account');
    const config = loadIdentityConfig(
      identityEnv(db, nats, {
        ...bootstrapEnv,
        LABEL_STUDIO_PASSWORD: 'Another-Horse-7',
        LABEL_STUDIO_USER_TOKEN: 'other-token',
      }),
    );
    apps.push(await startIdentity(config, { host: '127.0.0.1' }));
    expect((await sql.query('SELECT * FROM account')).rows).toEqual(before.rows);
  });

  it('stops start-up with a ConfigError naming the variable when the token belongs to someone else', async () => {
    // Run against a started replica: a start-up that fails half-way leaves its connections open.
    const config = loadIdentityConfig(
      identityEnv(db, nats, {
        LABEL_STUDIO_USERNAME: 'second@example.com',
        LABEL_STUDIO_PASSWORD: 'Correct-Horse-9',
        LABEL_STUDIO_USER_TOKEN: 'bootstrap-token-1',
      }),
    );
    const bootstrap = new BootstrapAccount(apps[0].get(ProvisionAccountUseCase), config);
    const error = await bootstrap.onApplicationBootstrap().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('LABEL_STUDIO_USER_TOKEN: This token is already in use');
    const { rows } = await sql.query(`SELECT 1 FROM account WHERE email = 'second@example.com'`);
    expect(rows).toHaveLength(0);
  });
});
