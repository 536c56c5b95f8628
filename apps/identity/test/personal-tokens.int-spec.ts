import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { BusClient, BusError } from '@app/bus';
import { ErrorCode, IdentitySubjects, ReadModels } from '@app/contracts';
import { decodeJwt, publicKeyFromJwkX, signatureIsValid, validClaims } from '@app/jwt';
import { createTestDatabase, TestDatabase } from '../../../test/support/infra';
import { TestNatsServer } from '../../../test/support/nats-server';
import { ReadModelReader } from '../../../test/support/read-model-reader';
import { IdentityConfig, loadIdentityConfig } from '../src/config';
import { SigningKeys } from '../src/signing-keys/signing-keys';
import { startIdentity } from '../src/start-identity';
import { findSecretFields } from './secret-fields';

const anEmail = () => `pat.${randomBytes(4).toString('hex')}@example.com`;

/**
 * identity's personal access tokens against real PostgreSQL and NATS: one valid token per user
 * even when asked twice at once, nothing replayable at rest, access tokens that the published
 * public key verifies, and key rotation and removal reaching the `signing-keys` read model.
 */
describe('identity: personal access tokens and signing keys', () => {
  let db: TestDatabase;
  let nats: TestNatsServer;
  let config: IdentityConfig;
  let app: INestApplication | undefined;
  let gateway: BusClient;
  let operator: BusClient;
  let keys: ReadModelReader<typeof ReadModels.signingKeys>;
  let sql: Client;

  const newUser = async () =>
    (
      await gateway.request(IdentitySubjects.register, {
        email: anEmail(),
        password: `Pw-${randomBytes(6).toString('hex')}`,
        organizationId: 1,
      })
    ).account.id;
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => (error instanceof BusError ? { code: error.code, message: error.message } : error),
    );

  beforeAll(async () => {
    [db, nats] = await Promise.all([createTestDatabase('identity_pat'), TestNatsServer.start()]);
    config = loadIdentityConfig({
      DATABASE_URL: db.url,
      ...nats.envFor('identity'),
      LOG_LEVEL: 'silent',
      HEALTH_PORT: '0',
      SECRET_KEY: randomBytes(32).toString('base64'),
      BCRYPT_COST: '4',
      JWT_ACCESS_TOKEN_LIFETIME_SECONDS: '10',
    });
    app = await startIdentity(config, { host: '127.0.0.1' });
    gateway = new BusClient(nats.settingsFor('gateway', 10_000));
    operator = new BusClient(nats.settingsFor('admin', 10_000));
    await Promise.all([gateway.connect(), operator.connect()]);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    keys = await ReadModelReader.open(nats, ReadModels.signingKeys);
  });

  afterAll(async () => {
    await keys?.close();
    await gateway?.close();
    await operator?.close();
    await app?.close();
    await sql?.end();
    await nats?.dispose();
    await db?.drop();
  });

  it('makes one valid token per user when asked twice at once, and stores neither', async () => {
    const userId = await newUser();
    const results = await Promise.allSettled([
      gateway.request(IdentitySubjects.createOwnPat, {}, { caller: userId }),
      gateway.request(IdentitySubjects.createOwnPat, {}, { caller: userId }),
    ]);
    const made = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(made).toHaveLength(1);
    expect(refused.map((r) => (r.reason as BusError).code)).toEqual([ErrorCode.Exists]);
    const { token } = (made[0] as PromiseFulfilledResult<{ token: string }>).value;

    const { rows } = await sql.query('SELECT * FROM personal_access_token WHERE user_id = $1', [userId]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token.split('.')[2]);
    const listed = await gateway.request(IdentitySubjects.listOwnPats, {}, { caller: userId });
    expect(listed).toEqual([
      {
        token: token.split('.').slice(0, 2).join('.'),
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
      },
    ]);
    expect(findSecretFields(listed)).toEqual([]);
  });

  it('signs access tokens with a key whose public half is published, never its private half', async () => {
    const userId = await newUser();
    const { token } = await gateway.request(IdentitySubjects.createOwnPat, {}, { caller: userId });
    const { access } = await gateway.request(IdentitySubjects.refreshAccess, { refresh: token });
    const decoded = decodeJwt(access)!;
    expect(validClaims(decoded, 'access', Date.now() / 1000)).toMatchObject({ user_id: userId });
    expect(decoded.claims.exp! - decoded.claims.iat!).toBe(10);
    const published = await keys.valueOf(decoded.header.kid!);
    expect(Object.keys(published)).toEqual(['kid', 'algorithm', 'publicKey', 'activeFrom', 'retiredAt']);
    expect(signatureIsValid(decoded, publicKeyFromJwkX(published.publicKey))).toBe(true);

    // The private half is at rest only encrypted; an access token is no refresh token.
    const { rows } = await sql.query('SELECT private_key_ciphertext FROM signing_key WHERE kid = $1', [
      decoded.header.kid,
    ]);
    expect((rows[0] as { private_key_ciphertext: Buffer }).private_key_ciphertext.length).toBeGreaterThan(48);
    await expect(
      failure(gateway.request(IdentitySubjects.refreshAccess, { refresh: access })),
    ).resolves.toEqual({
      code: ErrorCode.Unauthenticated,
      message: 'Token is invalid or expired',
    });
  });

  it('stops minting at once for a revoked token or an inactive user', async () => {
    const userId = await newUser();
    const { token } = await operator.request(IdentitySubjects.createPat, { userId, replace: false });
    await operator.request(IdentitySubjects.setActive, { userId, active: false });
    await expect(
      failure(gateway.request(IdentitySubjects.refreshAccess, { refresh: token })),
    ).resolves.toEqual({
      code: ErrorCode.Unauthenticated,
      message: 'No active account found for the given token.',
    });
    await operator.request(IdentitySubjects.setActive, { userId, active: true });
    await gateway.request(IdentitySubjects.revokePat, { refresh: token });
    await expect(
      failure(gateway.request(IdentitySubjects.refreshAccess, { refresh: token })),
    ).resolves.toEqual({
      code: ErrorCode.Unauthenticated,
      message: 'Token is blacklisted',
    });
    await expect(operator.request(IdentitySubjects.patStatus, { userId })).resolves.toEqual({
      valid: 0,
      newestCreatedAt: null,
      newestExpiresAt: null,
    });
  });

  it('rotates keys: the new one is published before it signs; a retired one goes once its tokens have expired', async () => {
    const userId = await newUser();
    const { token } = await gateway.request(IdentitySubjects.createOwnPat, {}, { caller: userId });
    const before = decodeJwt(
      (await gateway.request(IdentitySubjects.refreshAccess, { refresh: token })).access,
    )!;
    const rotation = await operator.request(IdentitySubjects.rotateSigningKey, {});
    expect(rotation.retired).toContain(before.header.kid);
    await keys.valueOf(rotation.kid);
    await keys.valueOf(before.header.kid!, (value) => expect(value.retiredAt).toBe(rotation.activeFrom));
    // Until the new key is active, the old one still signs (checked only when the answer came before that).
    const meanwhile = decodeJwt(
      (await gateway.request(IdentitySubjects.refreshAccess, { refresh: token })).access,
    )!;
    if (Date.now() < Date.parse(rotation.activeFrom)) expect(meanwhile.header.kid).toBe(before.header.kid);

    // Once every token the retired key signed has expired (lifetime + clock skew), maintenance removes it.
    await sql.query(`UPDATE signing_key SET retired_at = now() - interval '1 day' WHERE kid = $1`, [
      before.header.kid,
    ]);
    await app!.get(SigningKeys).maintain();
    await keys.absent(before.header.kid!);
    const { rows } = await sql.query('SELECT kid FROM signing_key');
    expect(rows.map((r: { kid: string }) => r.kid)).toEqual([rotation.kid]);
  });

  it('rotates by itself once the newest key is older than the rotation period, once however many replicas try', async () => {
    const before = await sql.query('SELECT kid FROM signing_key');
    await sql.query(`UPDATE signing_key SET active_from = active_from - interval '31 days'`);
    const service = app!.get(SigningKeys);
    await Promise.all([service.maintain(), service.maintain(), service.maintain()]);
    const { rows } = await sql.query<{ kid: string; retired_at: Date | null }>(
      'SELECT kid, retired_at FROM signing_key ORDER BY active_from',
    );
    expect(rows).toHaveLength(before.rows.length + 1);
    const fresh = rows.at(-1)!;
    expect(fresh.retired_at).toBeNull();
    await keys.valueOf(fresh.kid);
    expect(rows.slice(0, -1).every((row) => row.retired_at !== null)).toBe(true);
  });
});
