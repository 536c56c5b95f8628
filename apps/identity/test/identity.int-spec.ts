import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { BusClient, BusError } from '@app/bus';
import {
  AccountDto,
  ErrorCode,
  IdentityEvents,
  IdentitySubjects,
  RegisterRequest,
  ReplyOf,
  RequestContract,
  RequestOf,
  UserRegisteredEvent,
} from '@app/contracts';
import { createTestDatabase, TestDatabase } from '../../../test/support/infra';
import { TestNatsServer } from '../../../test/support/nats-server';
import { connectAsObserver, RawBus } from '../../../test/support/raw-bus';
import { PasswordHasher } from '../src/auth/password-hasher';
import { IdentityConfig, loadIdentityConfig } from '../src/config';
import { startIdentity } from '../src/start-identity';
import { findSecretFields } from './secret-fields';
import { busErrorOf } from '../../../test/support/bus-errors';

const ACCOUNT_LIMIT = 5;
const CLIENT_LIMIT = 20;
const LOGIN_FAILED = "The email and password you entered don't match.";

/** A fresh, unique address per test: no test sees another's accounts or login counters. */
const anEmail = (name = 'user') => `${name}.${randomBytes(4).toString('hex')}@example.com`;
const aClientIp = () => `10.${[1, 2, 3].map(() => randomBytes(1)[0]).join('.')}`;
const aPassword = () => `Pw-${randomBytes(6).toString('hex')}`;

describe('identity service over NATS with real Postgres', () => {
  let db: TestDatabase;
  let nats: TestNatsServer;
  let app: INestApplication;
  /** The gateway, as the services see it: gateway-facing subjects only, the signed-in caller in a header. */
  let bus: BusClient;
  /** The operator's CLI: the operator subjects only. */
  let operator: BusClient;
  let sql: Client;
  let config: IdentityConfig;
  const replies: unknown[] = [];

  /** Every successful reply is kept, to check at the end that none carries a secret. */
  async function call<C extends RequestContract>(
    contract: C,
    payload: RequestOf<C>,
    caller?: number,
  ): Promise<ReplyOf<C>> {
    const client = contract.from.includes('gateway') ? bus : operator;
    const reply = await client.request(contract, payload, { caller });
    replies.push(reply);
    return reply;
  }

  const register = (overrides: Partial<RegisterRequest> = {}) =>
    bus
      .request(IdentitySubjects.register, {
        email: anEmail(),
        password: aPassword(),
        organizationId: 1,
        clientIp: '192.0.2.1',
        ...overrides,
      })
      .then((reply) => {
        replies.push(reply);
        return reply;
      });

  beforeAll(async () => {
    [db, nats] = await Promise.all([createTestDatabase('identity'), TestNatsServer.start()]);
    config = loadIdentityConfig({
      DATABASE_URL: db.url,
      ...nats.envFor('identity'),
      LOG_LEVEL: 'silent',
      HEALTH_PORT: '0',
      SECRET_KEY: randomBytes(32).toString('base64'),
      BCRYPT_COST: '4',
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: String(ACCOUNT_LIMIT),
      LOGIN_MAX_ATTEMPTS_PER_CLIENT: String(CLIENT_LIMIT),
    });
    app = await startIdentity(config, { host: '127.0.0.1' });
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

  describe('register', () => {
    it('creates an account whose API token authenticates', async () => {
      const email = anEmail('jane');
      const reply = await register({ email: `  ${email.toUpperCase()} ` });
      expect(reply.account).toMatchObject({
        email,
        username: email.split('@')[0],
        isActive: true,
        lastLogin: null,
      });
      expect(reply.session).toBeNull();

      const { token } = await call(IdentitySubjects.getToken, { userId: reply.account.id });
      expect(token).toMatch(/^[0-9a-f]{40}$/);
      await expect(call(IdentitySubjects.authenticateToken, { key: token })).resolves.toEqual({
        userId: reply.account.id,
        email,
        method: 'token',
        account: reply.account,
      });
    });

    it('opens a session when asked, which authenticates until logout', async () => {
      const { account, session } = await register({ openSession: true });
      expect(session).toMatchObject({ persistent: true });
      // Signing up logs in: last_login is stamped as at login.
      expect(account.lastLogin).not.toBeNull();
      const key = session!.key;
      await expect(call(IdentitySubjects.authenticateSession, { key })).resolves.toEqual({
        userId: account.id,
        email: account.email,
        method: 'session',
        account,
      });
      await call(IdentitySubjects.logout, { key }, account.id);
      await call(IdentitySubjects.logout, { key }, account.id); // idempotent
      const error = await busErrorOf(bus.request(IdentitySubjects.authenticateSession, { key }));
      expect(error).toMatchObject({
        code: ErrorCode.Unauthenticated,
        message: 'Authentication credentials were not provided.',
      });
    });

    it('answers field errors in Label Studio’s words', async () => {
      const error = await busErrorOf(register({ email: 'not-an-email', password: 'short' }));
      expect(error).toBeInstanceOf(BusError);
      expect(error.code).toBe(ErrorCode.ValidationFailed);
      expect(error.fields).toEqual({
        email: ['Enter a valid email address.'],
        password: ['Please enter a password 8\u2013128 characters in length.'],
      });

      const similar = await busErrorOf(register({ email: 'johnsmith@example.com', password: 'johnsmith1' }));
      expect(similar.fields).toEqual({ password: ['The password is too similar to the email address.'] });
    });

    it('lets exactly one of five concurrent signups with one email through', async () => {
      const email = anEmail('race');
      const results = await Promise.allSettled(
        ['', ' ', 'upper', '', ''].map((variant) =>
          register({ email: variant === 'upper' ? email.toUpperCase() : `${variant}${email}` }),
        ),
      );
      const succeeded = results.filter((r) => r.status === 'fulfilled');
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as BusError] : []));
      expect(succeeded).toHaveLength(1);
      expect(failed).toHaveLength(4);
      for (const error of failed) {
        expect(error).toBeInstanceOf(BusError);
        expect(error.code).toBe(ErrorCode.Conflict);
        expect(error.fields).toEqual({ email: ['User with this email already exists'] });
      }
      const { rows } = await sql.query('SELECT count(*)::int AS n FROM account WHERE email = $1', [email]);
      expect(rows[0].n).toBe(1);
    });

    it('publishes user.registered to JetStream through the outbox', async () => {
      const { account } = await register({ allowNewsletters: true, organizationId: 7 });
      const nc: NatsConnection = await connectAsObserver(nats);
      try {
        const jsm = await jetstreamManager(nc);
        const deadline = Date.now() + 10_000;
        let event: UserRegisteredEvent | undefined;
        while (!event && Date.now() < deadline) {
          try {
            const message = await jsm.streams.getMessage(IdentityEvents.stream.name, {
              last_by_subj: IdentityEvents.userRegistered.subject,
            });
            const payload = message?.json<UserRegisteredEvent>();
            if (payload?.userId === account.id) event = payload;
          } catch {
            // stream or message not there yet
          }
          if (!event) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(event).toMatchObject({
          userId: account.id,
          email: account.email,
          username: account.username,
          allowNewsletters: true,
          organizationId: 7,
          setActiveOrganization: true,
        });
      } finally {
        await nc.close();
      }
    });
  });

  describe('createAccount (POST /api/users/)', () => {
    it('creates a passwordless account with a token, and refuses a duplicate in DRF’s words', async () => {
      const email = anEmail('api');
      const account = await call(
        IdentitySubjects.createAccount,
        { email, username: 'api user', organizationId: 3 },
        1,
      );
      expect(account).toMatchObject({ email, username: 'api user' });
      const { token } = await call(IdentitySubjects.getToken, { userId: account.id });
      await expect(bus.request(IdentitySubjects.authenticateToken, { key: token })).resolves.toMatchObject({
        userId: account.id,
      });

      const duplicate = await busErrorOf(
        bus.request(IdentitySubjects.createAccount, {
          email: email.toUpperCase(),
          username: 'x',
          organizationId: 3,
        }),
      );
      expect(duplicate).toMatchObject({
        code: ErrorCode.Conflict,
        fields: { email: ['user with this email address already exists.'] },
      });
      const { rows } = await sql.query(
        `SELECT action, actor FROM audit_log WHERE subject_user_id = $1 AND action = 'account.create'`,
        [account.id],
      );
      expect(rows).toEqual([{ action: 'account.create', actor: '1' }]);
    });
  });

  describe('login', () => {
    it('opens a new session and stamps last_login', async () => {
      const email = anEmail();
      const password = aPassword();
      await register({ email, password });
      const reply = await call(IdentitySubjects.login, {
        email: email.toUpperCase(),
        password,
        persistent: false,
      });
      expect(reply.account.lastLogin).not.toBeNull();
      expect(reply.session.persistent).toBe(false);
      await expect(
        bus.request(IdentitySubjects.authenticateSession, { key: reply.session.key }),
      ).resolves.toMatchObject({
        userId: reply.account.id,
        method: 'session',
      });
      const { rows } = await sql.query('SELECT encode(digest, $2) AS d FROM web_session WHERE user_id = $1', [
        reply.account.id,
        'hex',
      ]);
      expect(rows).toHaveLength(1);
      expect(rows[0].d).not.toContain(Buffer.from(reply.session.key).toString('hex'));
    });

    it('fails identically for unknown user, wrong password, inactive and passwordless accounts', async () => {
      const password = aPassword();
      const active = await register({ password });
      const inactive = await register({ password });
      await sql.query('UPDATE account SET is_active = false WHERE id = $1', [inactive.account.id]);
      const passwordless = await call(IdentitySubjects.createAccount, {
        email: anEmail(),
        username: 'nopass',
        organizationId: 1,
      });

      const attempts = [
        { email: anEmail('nobody'), password },
        { email: active.account.email, password: `${password}x` },
        { email: inactive.account.email, password },
        { email: passwordless.email, password: '' },
        { email: passwordless.email, password },
      ];
      const errors = await Promise.all(
        attempts.map((attempt) =>
          busErrorOf(bus.request(IdentitySubjects.login, { ...attempt, persistent: true })),
        ),
      );
      for (const error of errors) {
        expect(error.toPayload()).toEqual({ code: ErrorCode.LoginFailed, message: LOGIN_FAILED });
      }
      const { rows } = await sql.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'login.failed'`,
      );
      expect(rows[0].n).toBeGreaterThanOrEqual(attempts.length);
    });

    it('refuses an email of 256 characters or more', async () => {
      const error = await busErrorOf(
        bus.request(IdentitySubjects.login, {
          email: `${'a'.repeat(250)}@x.com`,
          password: 'x',
          persistent: false,
        }),
      );
      expect(error).toMatchObject({ code: ErrorCode.ValidationFailed, message: 'Email is too long' });
    });

    it('checks no more than the limit of parallel guesses from one client, then delays it', async () => {
      const password = aPassword();
      const { account } = await register({ password });
      const clientIp = aClientIp();
      const guess = (i: number, from = clientIp) =>
        busErrorOf(
          bus.request(IdentitySubjects.login, {
            email: account.email,
            password: `wrong-${i}`,
            persistent: false,
            clientIp: from,
          }),
        );
      const errors = await Promise.all(Array.from({ length: 3 * ACCOUNT_LIMIT }, (_, i) => guess(i)));
      const checked = errors.filter((e) => e.code === ErrorCode.LoginFailed);
      const limited = errors.filter((e) => e.code === ErrorCode.RateLimited);
      expect(checked).toHaveLength(ACCOUNT_LIMIT);
      expect(limited).toHaveLength(2 * ACCOUNT_LIMIT);
      for (const error of limited) {
        expect(error.message).toBe('Too many login attempts. Try again later.');
        // The first delay after the limit: one second, growing with each further failure.
        expect(error.retryAfter).toBe(1);
      }
      // Delayed means delayed: even the right password is refused without being checked.
      const delayed = await busErrorOf(
        bus.request(IdentitySubjects.login, { email: account.email, password, persistent: false, clientIp }),
      );
      expect(delayed.code).toBe(ErrorCode.RateLimited);

      // Once the delay has passed one more guess is checked, and the next delay is twice as long.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await guess(99)).code).toBe(ErrorCode.LoginFailed);
      const longer = await guess(100);
      expect(longer).toMatchObject({ code: ErrorCode.RateLimited });
      const { rows: delays } = await sql.query<{ seconds: number }>(
        `SELECT EXTRACT(EPOCH FROM blocked_until - window_start)::int AS seconds FROM login_attempt
          WHERE key = $1`,
        [`account:${account.email}|${clientIp}`],
      );
      expect(delays).toEqual([{ seconds: 2 }]);

      // The owner, from another address, is not locked out by someone else's guesses.
      await expect(
        call(IdentitySubjects.login, {
          email: account.email,
          password,
          persistent: false,
          clientIp: aClientIp(),
        }),
      ).resolves.toMatchObject({ account: { id: account.id } });

      // Every lockout is recorded (the email: the account exists), not every refused guess.
      const { rows } = await sql.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'login.locked' AND details->>'email' = $1`,
        [account.email],
      );
      expect(rows[0].n).toBe(2);
    });

    it('the operator unlocks an account from every client at once', async () => {
      const password = aPassword();
      const { account } = await register({ password });
      const clientIp = aClientIp();
      for (let i = 0; i < ACCOUNT_LIMIT; i++) {
        await busErrorOf(
          bus.request(IdentitySubjects.login, {
            email: account.email,
            password: 'wrong',
            persistent: false,
            clientIp,
          }),
        );
      }
      const locked = await busErrorOf(
        bus.request(IdentitySubjects.login, { email: account.email, password, persistent: false, clientIp }),
      );
      expect(locked.code).toBe(ErrorCode.RateLimited);
      await expect(
        operator.request(IdentitySubjects.unlockAccount, { email: account.email.toUpperCase() }),
      ).resolves.toEqual({ cleared: 1 });
      await expect(
        call(IdentitySubjects.login, { email: account.email, password, persistent: false, clientIp }),
      ).resolves.toMatchObject({ account: { id: account.id } });
      await expect(
        operator.request(IdentitySubjects.unlockAccount, { email: account.email }),
      ).resolves.toEqual({
        cleared: 0,
      });
    });

    it('rate-limits the failures of one client address across many accounts', async () => {
      const clientIp = aClientIp();
      const errors = await Promise.all(
        Array.from({ length: CLIENT_LIMIT + 5 }, () =>
          busErrorOf(
            bus.request(IdentitySubjects.login, {
              email: anEmail(),
              password: 'x',
              persistent: false,
              clientIp,
            }),
          ),
        ),
      );
      expect(errors.filter((e) => e.code === ErrorCode.LoginFailed)).toHaveLength(CLIENT_LIMIT);
      expect(errors.filter((e) => e.code === ErrorCode.RateLimited)).toHaveLength(5);
      // An unknown address is not recorded: a typo of an email is not kept.
      const { rows } = await sql.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'login.failed' AND client_ip = $1 AND details ? 'email'`,
        [clientIp],
      );
      expect(rows[0].n).toBe(0);
    });

    it('counts only failures per client: many people behind one address all log in', async () => {
      const clientIp = '2001:db8:7:7::1';
      const people = await Promise.all(
        Array.from({ length: CLIENT_LIMIT + 10 }, async () => {
          const password = aPassword();
          return { password, account: (await register({ password })).account };
        }),
      );
      for (const { account, password } of people) {
        await expect(
          // Another address of the same /64: the same client.
          call(IdentitySubjects.login, {
            email: account.email,
            password,
            persistent: false,
            clientIp: '2001:db8:7:7::2',
          }),
        ).resolves.toMatchObject({ account: { id: account.id } });
      }
      // Their successes left the client's failure budget whole.
      const errors = await Promise.all(
        Array.from({ length: CLIENT_LIMIT }, () =>
          busErrorOf(
            bus.request(IdentitySubjects.login, {
              email: anEmail(),
              password: 'x',
              persistent: false,
              clientIp,
            }),
          ),
        ),
      );
      expect(errors.every((e) => e.code === ErrorCode.LoginFailed)).toBe(true);
      const over = await busErrorOf(
        bus.request(IdentitySubjects.login, {
          email: anEmail(),
          password: 'x',
          persistent: false,
          clientIp: '2001:db8:7:7:ffff::9',
        }),
      );
      expect(over.code).toBe(ErrorCode.RateLimited);
    });

    it('resets the account counter after a successful login', async () => {
      const password = aPassword();
      const { account } = await register({ password });
      for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) {
        await busErrorOf(
          bus.request(IdentitySubjects.login, { email: account.email, password: 'wrong', persistent: false }),
        );
      }
      await call(IdentitySubjects.login, { email: account.email, password, persistent: false });
      const next = await busErrorOf(
        bus.request(IdentitySubjects.login, { email: account.email, password: 'wrong', persistent: false }),
      );
      expect(next.code).toBe(ErrorCode.LoginFailed);
    });

    it('rehashes a password hashed at another cost at the next login', async () => {
      const password = aPassword();
      const { account } = await register({ password });
      const other = new PasswordHasher({ BCRYPT_COST: 5 });
      await sql.query('UPDATE account SET password_hash = $2 WHERE id = $1', [
        account.id,
        await other.hash(password),
      ]);
      await call(IdentitySubjects.login, { email: account.email, password, persistent: false });
      const { rows } = await sql.query<{ password_hash: string }>(
        'SELECT password_hash FROM account WHERE id = $1',
        [account.id],
      );
      expect(rows[0].password_hash).toMatch(/^\$2[aby]\$04\$/);
      await expect(
        call(IdentitySubjects.login, { email: account.email, password, persistent: false }),
      ).resolves.toBeDefined();
    });

    it('a login racing a password change leaves no session behind', async () => {
      const password = aPassword();
      const { account } = await register({ password });
      const logins = Array.from({ length: 4 }, () =>
        bus.request(IdentitySubjects.login, { email: account.email, password, persistent: false }).then(
          (reply) => reply.session.key,
          () => null,
        ),
      );
      await operator.request(IdentitySubjects.setPassword, { userId: account.id, password: aPassword() });
      const keys = await Promise.all(logins);
      for (const key of keys.filter((k): k is string => k !== null)) {
        const error = await busErrorOf(bus.request(IdentitySubjects.authenticateSession, { key }));
        expect(error.code).toBe(ErrorCode.Unauthenticated);
      }
      const { rows } = await sql.query('SELECT count(*)::int AS n FROM web_session WHERE user_id = $1', [
        account.id,
      ]);
      expect(rows[0].n).toBe(0);
    });

    it('sets session expiry by the database clock and carries it in the reply', async () => {
      const password = aPassword();
      const { account } = await register({ password });
      const reply = await call(IdentitySubjects.login, { email: account.email, password, persistent: true });
      const { rows } = await sql.query<{ expires_at: Date; expected: Date }>(
        `SELECT expires_at, created_at + make_interval(secs => $2) AS expected FROM web_session WHERE user_id = $1
          ORDER BY created_at DESC LIMIT 1`,
        [account.id, config.SESSION_MAX_AGE_SECONDS],
      );
      expect(new Date(rows[0].expires_at).toISOString()).toBe(new Date(rows[0].expected).toISOString());
      expect(reply.session.expiresAt).toBe(new Date(rows[0].expires_at).toISOString());
    });
  });

  describe('tokens', () => {
    it('rejects malformed and unknown keys as Invalid token.', async () => {
      for (const key of ['', 'x'.repeat(257), 'abc\u0000def', 'a b', 'f'.repeat(40)]) {
        const error = await busErrorOf(bus.request(IdentitySubjects.authenticateToken, { key }));
        expect(error.toPayload()).toEqual({ code: ErrorCode.Unauthenticated, message: 'Invalid token.' });
      }
    });

    it('reset: the old key fails at once, the new one works and is what getToken shows', async () => {
      const { account } = await register();
      const { token: old } = await call(IdentitySubjects.getOwnToken, {}, account.id);
      await expect(call(IdentitySubjects.getToken, { userId: account.id })).resolves.toEqual({ token: old });
      const { token: fresh } = await call(IdentitySubjects.resetOwnToken, {}, account.id);
      expect(fresh).not.toBe(old);
      const error = await busErrorOf(bus.request(IdentitySubjects.authenticateToken, { key: old }));
      expect(error).toMatchObject({ code: ErrorCode.Unauthenticated, message: 'Invalid token.' });
      await expect(bus.request(IdentitySubjects.authenticateToken, { key: fresh })).resolves.toMatchObject({
        userId: account.id,
      });
      await expect(call(IdentitySubjects.getToken, { userId: account.id })).resolves.toEqual({
        token: fresh,
      });
      await expect(call(IdentitySubjects.getOwnToken, {}, account.id)).resolves.toEqual({ token: fresh });
      const { rows } = await sql.query(
        `SELECT actor FROM audit_log WHERE action = 'token.reset' AND subject_user_id = $1`,
        [account.id],
      );
      expect(rows).toEqual([{ actor: String(account.id) }]);
    });

    it("gives the gateway only the signed-in caller's own token, and another's to the operator alone", async () => {
      const { account } = await register();
      for (const contract of [IdentitySubjects.getOwnToken, IdentitySubjects.resetOwnToken]) {
        expect((await busErrorOf(bus.request(contract, {}))).toPayload()).toEqual({
          code: ErrorCode.Unauthenticated,
          message: 'Authentication credentials were not provided.',
        });
      }
      // Naming a user is the operator's subject: the gateway's client will not send it, nor NATS.
      expect((await busErrorOf(bus.request(IdentitySubjects.getToken, { userId: account.id }))).code).toBe(
        ErrorCode.Internal,
      );
      const gateway = await RawBus.connect(nats, 'gateway');
      try {
        for (const contract of [IdentitySubjects.getToken, IdentitySubjects.resetToken]) {
          const refused = await gateway.failureOf(
            contract.subject,
            { userId: account.id },
            { caller: account.id },
          );
          expect(refused.code).toBe('PERMISSIONS_VIOLATION');
        }
        // A caller header that is not a user id is no caller at all ('admin' is nobody now).
        const asAdmin = await gateway.failureOf(
          IdentitySubjects.getOwnToken.subject,
          {},
          { caller: 'admin' },
        );
        expect(asAdmin.code).toBe(ErrorCode.Unauthenticated);
      } finally {
        await gateway.close();
      }
      const { rows } = await sql.query(
        `SELECT 1 FROM audit_log WHERE action = 'token.reset' AND subject_user_id = $1`,
        [account.id],
      );
      expect(rows).toEqual([]);
    });

    it('tells an inactive user apart from an unknown key', async () => {
      const { account } = await register();
      const { token } = await call(IdentitySubjects.getToken, { userId: account.id });
      await sql.query('UPDATE account SET is_active = false WHERE id = $1', [account.id]);
      const error = await busErrorOf(bus.request(IdentitySubjects.authenticateToken, { key: token }));
      expect(error).toMatchObject({ code: ErrorCode.Unauthenticated, message: 'User inactive or deleted.' });
    });

    it('answers NotFound when resetting the token of an unknown user', async () => {
      const error = await busErrorOf(
        operator.request(IdentitySubjects.resetToken, { userId: 2_000_000_000 }),
      );
      expect(error).toMatchObject({ code: ErrorCode.NotFound, message: 'No User matches the given query.' });
    });
  });

  describe('accounts', () => {
    it('gets, lists (ordered, unknown ids skipped) and updates', async () => {
      const a = (await register()).account;
      const b = (await register()).account;
      await expect(call(IdentitySubjects.getAccount, { userId: a.id })).resolves.toEqual(a);
      const listed = await call(IdentitySubjects.listAccounts, { userIds: [b.id, 2_000_000_000, a.id] });
      expect(listed.map((x: AccountDto) => x.id)).toEqual([a.id, b.id]);
      const updated = await call(
        IdentitySubjects.updateAccount,
        { userId: a.id, username: '  renamed ' },
        a.id,
      );
      expect(updated).toEqual({ ...a, username: 'renamed' });
      const invalid = await busErrorOf(
        bus.request(IdentitySubjects.updateAccount, { userId: a.id, username: 'x'.repeat(257) }),
      );
      expect(invalid).toMatchObject({ code: ErrorCode.ValidationFailed });
    });

    it('answers NotFound and ValidationFailed as BusErrors', async () => {
      const missing = await busErrorOf(bus.request(IdentitySubjects.getAccount, { userId: 2_000_000_000 }));
      expect(missing).toBeInstanceOf(BusError);
      expect(missing.toPayload()).toEqual({
        code: ErrorCode.NotFound,
        message: 'No User matches the given query.',
      });
      const malformed = await busErrorOf(
        bus.request(IdentitySubjects.getAccount, { userId: 'abc' } as unknown as { userId: number }),
      );
      expect(malformed.code).toBe(ErrorCode.ValidationFailed);
      expect(malformed.fields).toHaveProperty('userId');
      // The service checks too, whatever a sender's client let through.
      const gateway = await RawBus.connect(nats, 'gateway');
      try {
        const answer = await gateway.failureOf(IdentitySubjects.getAccount.subject, { userId: 'abc' });
        expect(answer).toBeInstanceOf(BusError);
        expect((answer as BusError).code).toBe(ErrorCode.ValidationFailed);
        expect((answer as BusError).fields).toHaveProperty('userId');
        const tooMany = await gateway.failureOf(IdentitySubjects.listAccounts.subject, {
          userIds: Array.from({ length: 1001 }, (_, i) => i + 1),
        });
        expect(tooMany.code).toBe(ErrorCode.ValidationFailed);
      } finally {
        await gateway.close();
      }
      const tooMany = await busErrorOf(
        bus.request(IdentitySubjects.listAccounts, {
          userIds: Array.from({ length: 1001 }, (_, i) => i + 1),
        }),
      );
      expect(tooMany.code).toBe(ErrorCode.ValidationFailed);
    });

    it('deletes an account with its token and sessions, and records the fact', async () => {
      const { account, session } = await register({ openSession: true });
      const { token } = await call(IdentitySubjects.getToken, { userId: account.id });
      await call(IdentitySubjects.deleteAccount, { userId: account.id }, 1);
      expect(
        (await busErrorOf(bus.request(IdentitySubjects.authenticateToken, { key: token }))).message,
      ).toBe('Invalid token.');
      expect(
        (await busErrorOf(bus.request(IdentitySubjects.authenticateSession, { key: session!.key }))).code,
      ).toBe(ErrorCode.Unauthenticated);
      expect((await busErrorOf(bus.request(IdentitySubjects.getAccount, { userId: account.id }))).code).toBe(
        ErrorCode.NotFound,
      );
      expect(
        (await busErrorOf(bus.request(IdentitySubjects.deleteAccount, { userId: account.id }))).code,
      ).toBe(ErrorCode.NotFound);
      const { rows } = await sql.query(
        `SELECT payload FROM outbox WHERE subject = $1 AND payload->>'userId' = $2`,
        [IdentityEvents.userDeleted.subject, String(account.id)],
      );
      expect(rows).toHaveLength(1);
    });
  });

  it('keeps neither passwords nor tokens in plaintext in any column of any table', async () => {
    const password = `Plain-${randomBytes(8).toString('hex')}`;
    const { account } = await register({ password, openSession: true });
    const { token: first } = await call(IdentitySubjects.getToken, { userId: account.id });
    const { token } = await call(IdentitySubjects.resetToken, { userId: account.id });
    const login = await call(IdentitySubjects.login, { email: account.email, password, persistent: true });
    const secrets = [password, first, token, login.session.key];

    const { rows: columns } = await sql.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'bytea', 'jsonb', 'json')`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(
      expect.arrayContaining([
        'api_token.digest',
        'api_token.ciphertext',
        'account.password_hash',
        'audit_log.details',
      ]),
    );
    for (const { table_name: table, column_name: column, data_type: type } of columns) {
      for (const secret of secrets) {
        const condition =
          type === 'bytea'
            ? `position(convert_to($1, 'UTF8') in "${column}") > 0 OR encode("${column}", 'hex') LIKE '%' || $1 || '%'`
            : `"${column}"::text LIKE '%' || $1 || '%'`;
        const { rows } = await sql.query(`SELECT count(*)::int AS n FROM "${table}" WHERE ${condition}`, [
          secret,
        ]);
        expect({ table, column, found: rows[0].n }).toEqual({ table, column, found: 0 });
      }
    }
  });

  it('answers readiness on the health port', async () => {
    const port = (app.getHttpServer().address() as AddressInfo).port;
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, bus: { status: 'up' } },
    });
  });

  it('never puts a secret field in any reply it gave during this suite', () => {
    expect(replies.length).toBeGreaterThan(20);
    expect(findSecretFields(replies)).toEqual([]);
  });
});
