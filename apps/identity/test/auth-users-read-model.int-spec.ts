import { createHash, randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { BusClient } from '@app/bus';
import {
  IdentitySubjects,
  MAX_REPLICATED_SESSIONS,
  ReadModels,
  RegisterRequest,
  RegisterReply,
} from '@app/contracts';
import { createTestDatabase, TestDatabase } from '../../../test/support/infra';
import { TestNatsServer } from '../../../test/support/nats-server';
import { connectAsObserver } from '../../../test/support/raw-bus';
import { ReadModelReader } from '../../../test/support/read-model-reader';
import { IdentityConfig, loadIdentityConfig } from '../src/config';
import { ExpiredRowsSweeper } from '../src/sessions/expired-rows.sweeper';
import { startIdentity } from '../src/start-identity';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const anEmail = (name = 'user') => `${name}.${randomBytes(4).toString('hex')}@example.com`;
const aPassword = () => `Pw-${randomBytes(6).toString('hex')}`;
const clientIp = '192.0.2.10';

/**
 * identity keeps the gateway's `auth-users` read model: every change of what authenticates a user
 * reaches the bucket through the outbox, signed, and the gateway's replica sees it.
 */
describe('identity publishes the auth-users read model', () => {
  let db: TestDatabase;
  let nats: TestNatsServer;
  let config: IdentityConfig;
  let app: INestApplication | undefined;
  let gateway: BusClient;
  let operator: BusClient;
  let invitations: BusClient;
  let reader: ReadModelReader<typeof ReadModels.authUsers>;
  let sql: Client;

  const register = async (
    overrides: Partial<RegisterRequest> = {},
  ): Promise<RegisterReply & { password: string }> => {
    const password = aPassword();
    const reply = await gateway.request(IdentitySubjects.register, {
      email: anEmail(),
      password,
      organizationId: 1,
      clientIp,
      ...overrides,
    });
    return { ...reply, password: typeof overrides.password === 'string' ? overrides.password : password };
  };
  const tokenOf = async (userId: number) =>
    (await operator.request(IdentitySubjects.getToken, { userId })).token;

  beforeAll(async () => {
    [db, nats] = await Promise.all([createTestDatabase('identity_rm'), TestNatsServer.start()]);
    config = loadIdentityConfig({
      DATABASE_URL: db.url,
      ...nats.envFor('identity'),
      LOG_LEVEL: 'silent',
      HEALTH_PORT: '0',
      SECRET_KEY: randomBytes(32).toString('base64'),
      BCRYPT_COST: '4',
    });
    app = await startIdentity(config, { host: '127.0.0.1' });
    gateway = new BusClient(nats.settingsFor('gateway', 10_000));
    operator = new BusClient(nats.settingsFor('admin', 10_000));
    invitations = new BusClient(nats.settingsFor('invitations', 10_000));
    await Promise.all([gateway.connect(), operator.connect(), invitations.connect()]);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    reader = await ReadModelReader.open(nats, ReadModels.authUsers);
  });

  afterAll(async () => {
    await reader?.close();
    await gateway?.close();
    await operator?.close();
    await invitations?.close();
    await app?.close();
    await sql?.end();
    await nats?.dispose();
    await db?.drop();
  });

  it('a signup with a session: the account, the digest of its token and of its session', async () => {
    const { account, session } = await register({ openSession: true });
    const token = await tokenOf(account.id);
    const value = await reader.valueOf(account.id);
    expect(value).toEqual({
      account,
      tokenDigest: sha256(token),
      sessions: [{ digest: sha256(session!.key), expiresAt: session!.expiresAt }],
    });
  });

  it('POST /api/users/: an account that cannot log in yet, with its token and no session', async () => {
    const account = await gateway.request(
      IdentitySubjects.createAccount,
      { email: anEmail('api'), username: 'api user', organizationId: 1 },
      { caller: 1 },
    );
    const token = await tokenOf(account.id);
    await expect(reader.valueOf(account.id)).resolves.toEqual({
      account,
      tokenDigest: sha256(token),
      sessions: [],
    });
  });

  it('an operator account: a chosen token of 20 characters or more is replicated, a shorter one is not', async () => {
    const long = randomBytes(10).toString('hex'); // 20 characters
    const replicated = await operator.request(IdentitySubjects.provisionAccount, {
      email: anEmail('op'),
      password: aPassword(),
      token: long,
    });
    expect(await reader.valueOf(replicated.account.id)).toMatchObject({
      account: { isSuperuser: true, username: '' },
      tokenDigest: sha256(long),
    });

    const short = await operator.request(IdentitySubjects.provisionAccount, {
      email: anEmail('op'),
      password: aPassword(),
      token: randomBytes(5).toString('hex').slice(0, 9),
    });
    expect(await reader.valueOf(short.account.id)).toMatchObject({ tokenDigest: null, sessions: [] });
  });

  it('login adds a session and stamps last_login; logout takes it away', async () => {
    const { account, password } = await register();
    await reader.valueOf(account.id, (v) => expect(v.sessions).toEqual([]));

    const login = await gateway.request(IdentitySubjects.login, {
      email: account.email,
      password,
      persistent: true,
      clientIp,
    });
    const digest = sha256(login.session.key);
    const afterLogin = await reader.valueOf(account.id, (v) => expect(v.sessions).toHaveLength(1));
    expect(afterLogin.account.lastLogin).toBe(login.account.lastLogin);
    expect(afterLogin.sessions).toEqual([{ digest, expiresAt: login.session.expiresAt }]);

    await gateway.request(IdentitySubjects.logout, { key: login.session.key }, { caller: account.id });
    await reader.valueOf(account.id, (v) => expect(v.sessions).toEqual([]));
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'logout' AND subject_user_id = $1`,
      [account.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('a token reset replaces the digest: own and by the operator', async () => {
    const { account } = await register();
    const first = await tokenOf(account.id);
    await reader.valueOf(account.id, (v) => expect(v.tokenDigest).toBe(sha256(first)));

    const { token: own } = await gateway.request(IdentitySubjects.resetOwnToken, {}, { caller: account.id });
    const afterOwn = await reader.valueOf(account.id, (v) => expect(v.tokenDigest).toBe(sha256(own)));
    expect(afterOwn.tokenDigest).not.toBe(sha256(first));

    const { token: byOperator } = await operator.request(IdentitySubjects.resetToken, { userId: account.id });
    await reader.valueOf(account.id, (v) => expect(v.tokenDigest).toBe(sha256(byOperator)));
    expect(byOperator).not.toBe(own);
  });

  it('a new password ends every session', async () => {
    const { account, session } = await register({ openSession: true });
    await reader.valueOf(account.id, (v) => expect(v.sessions).toHaveLength(1));
    expect(session).not.toBeNull();
    await operator.request(IdentitySubjects.setPassword, { userId: account.id, password: aPassword() });
    await reader.valueOf(account.id, (v) => expect(v.sessions).toEqual([]));
  });

  it('deactivation (by the operator, or as a removed member) is published with the sessions gone; activation too', async () => {
    const { account } = await register({ openSession: true });
    await reader.valueOf(account.id, (v) => expect(v.sessions).toHaveLength(1));

    await operator.request(IdentitySubjects.setActive, { userId: account.id, active: false });
    const inactive = await reader.valueOf(account.id, (v) => expect(v.account.isActive).toBe(false));
    expect(inactive.sessions).toEqual([]);
    // Still there, with its token: the gateway refuses it because of the flag.
    expect(inactive.tokenDigest).toBe(sha256(await tokenOf(account.id)));

    await operator.request(IdentitySubjects.setActive, { userId: account.id, active: true });
    await reader.valueOf(account.id, (v) => expect(v.account.isActive).toBe(true));

    const member = await register({ openSession: true });
    await reader.valueOf(member.account.id, (v) => expect(v.sessions).toHaveLength(1));
    await invitations.request(IdentitySubjects.deactivateRemovedMember, {
      userId: member.account.id,
      removedBy: null,
    });
    await reader.valueOf(member.account.id, (v) => {
      expect(v.account.isActive).toBe(false);
      expect(v.sessions).toEqual([]);
    });
  });

  it('a new username is published', async () => {
    const { account } = await register();
    await reader.valueOf(account.id);
    await gateway.request(
      IdentitySubjects.updateAccount,
      { userId: account.id, username: 'renamed' },
      { caller: account.id },
    );
    await reader.valueOf(account.id, (v) => expect(v.account.username).toBe('renamed'));
  });

  it('a deleted account leaves the read model', async () => {
    const { account } = await register({ openSession: true });
    await reader.valueOf(account.id);
    await gateway.request(IdentitySubjects.deleteAccount, { userId: account.id }, { caller: 1 });
    await reader.absent(account.id);
  });

  it('at most the newest MAX_REPLICATED_SESSIONS live sessions, newest first', async () => {
    const { account } = await register();
    await reader.valueOf(account.id);
    const now = Date.now();
    const digests: string[] = [];
    for (let i = 0; i < MAX_REPLICATED_SESSIONS + 5; i++) {
      const digest = randomBytes(32);
      digests.push(digest.toString('hex'));
      await sql.query(
        `INSERT INTO web_session (digest, user_id, persistent, created_at, expires_at)
         VALUES ($1, $2, true, $3, $4)`,
        [digest, account.id, new Date(now - 60_000 + i * 100), new Date(now + 3_600_000)],
      );
    }
    const expired = randomBytes(32);
    await sql.query(
      `INSERT INTO web_session (digest, user_id, persistent, created_at, expires_at) VALUES ($1, $2, true, $3, $4)`,
      [expired, account.id, new Date(now), new Date(now - 1_000)],
    );
    // Any change of the user republishes the value from the tables.
    await operator.request(IdentitySubjects.resetToken, { userId: account.id });
    const value = await reader.valueOf(account.id, (v) => expect(v.sessions.length).toBeGreaterThan(0));
    expect(value.sessions.map((s) => s.digest)).toEqual(digests.slice(-MAX_REPLICATED_SESSIONS).reverse());
  });

  it('sessions swept once expired leave the read model', async () => {
    const { account } = await register();
    await reader.valueOf(account.id);
    const digest = randomBytes(32);
    await sql.query(
      `INSERT INTO web_session (digest, user_id, persistent, created_at, expires_at)
       VALUES ($1, $2, false, now(), now() + interval '1 second')`,
      [digest, account.id],
    );
    await operator.request(IdentitySubjects.resetToken, { userId: account.id });
    await reader.valueOf(account.id, (v) =>
      expect(v.sessions.map((s) => s.digest)).toEqual([digest.toString('hex')]),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await app!.get(ExpiredRowsSweeper).sweep();
    await reader.valueOf(account.id, (v) => expect(v.sessions).toEqual([]));
  });

  it('ignores a value that identity did not sign', async () => {
    const { account } = await register();
    const published = await reader.valueOf(account.id);
    const forged = { ...published, account: { ...published.account, isSuperuser: true } };
    const nc: NatsConnection = await connectAsObserver(nats);
    try {
      await jetstream(nc).publish(`$KV.${ReadModels.authUsers.bucket}.${account.id}`, JSON.stringify(forged));
      // A change after it: once that one is applied, the forged value was seen (and refused).
      const later = await register();
      await reader.valueOf(later.account.id);
      expect(reader.get(account.id)).toEqual(published);
      expect(reader.applied.filter((key) => key === String(account.id))).toHaveLength(1);
    } finally {
      await nc.close();
    }
  });

  it('fills a bucket that starts empty from the accounts that exist', async () => {
    const before = await register({ openSession: true });
    await reader.valueOf(before.account.id);
    await reader.close();
    await app!.close();
    app = undefined;

    const nc = await connectAsObserver(nats);
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(`KV_${ReadModels.authUsers.bucket}`);
    } finally {
      await nc.close();
    }
    app = await startIdentity(config, { host: '127.0.0.1' });
    reader = await ReadModelReader.open(nats, ReadModels.authUsers);

    const { rows } = await sql.query<{ id: number }>('SELECT id FROM account ORDER BY id');
    expect(rows.length).toBeGreaterThan(5);
    for (const { id } of rows) await reader.valueOf(id);
    expect([...reader.values.keys()].map(Number).sort((a, b) => a - b)).toEqual(rows.map((r) => r.id));
    const { token } = await operator.request(IdentitySubjects.getToken, { userId: before.account.id });
    expect(reader.get(before.account.id)).toMatchObject({
      account: { id: before.account.id, email: before.account.email },
      tokenDigest: sha256(token),
      sessions: [{ digest: sha256(before.session!.key) }],
    });
  });
});
