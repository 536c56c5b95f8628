import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import {
  ErrorCode,
  EventContract,
  IdentityEvents,
  PayloadOf,
  ProfileDto,
  ProfilesSubjects,
  UserRegisteredEvent,
} from '@app/contracts';
import { BusClient, ensureStream, publishEvent } from '@app/bus';
import { createTestDatabase, TestDatabase } from '../../../test/support/infra';
import { TestNatsServer } from '../../../test/support/nats-server';
import { connectAs, connectAsObserver, publishUnchecked, RawBus } from '../../../test/support/raw-bus';
import { startProfilesService } from '../src/profiles.bootstrap';
import { profilesTestConfig } from './test-config';
import { busErrorOf } from '../../../test/support/bus-errors';

let db: TestDatabase;
let nats: TestNatsServer;
/** The gateway, as the service's callers. */
let client: BusClient;
/** Identity, with its own credentials: the publisher of the account events and their stream's owner. */
let nc: NatsConnection;
let app: INestApplication | undefined;

async function startService(): Promise<void> {
  app ??= await startProfilesService(profilesTestConfig(db.url, nats));
}

async function stopService(): Promise<void> {
  await app?.close();
  app = undefined;
}

const registered = (userId: number, overrides: Partial<UserRegisteredEvent> = {}): UserRegisteredEvent => ({
  userId,
  email: `user${userId}@example.com`,
  username: `user${userId}`,
  allowNewsletters: null,
  organizationId: 1,
  setActiveOrganization: true,
  occurredAt: new Date().toISOString(),
  ...overrides,
});

/** Every publish gets a fresh message id: a duplicate here is a redelivery JetStream did not dedupe. */
const publish = async <C extends EventContract>(contract: C, payload: PayloadOf<C>) =>
  publishEvent(nc, nats.settingsFor('identity'), contract, payload, randomUUID());

const getProfile = (userId: number) => client.request(ProfilesSubjects.getProfile, { userId });

async function eventually<T>(probe: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Resolves once the profile exists and passes `check` (which throws while it does not). */
const profileEventually = (userId: number, check: (profile: ProfileDto) => void = () => undefined) =>
  eventually(async () => {
    const profile = await getProfile(userId);
    check(profile);
    return profile;
  });

async function profileRows(userId: number): Promise<number> {
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    const result = await pg.query('SELECT count(*)::int AS n FROM profile WHERE user_id = $1', [userId]);
    return (result.rows[0] as { n: number }).n;
  } finally {
    await pg.end();
  }
}

beforeAll(async () => {
  db = await createTestDatabase('profiles');
  nats = await TestNatsServer.start();
  client = new BusClient(nats.settingsFor('gateway', 5_000));
  await client.connect();
  nc = await connectAs(nats, 'identity');
  await ensureStream(nc, IdentityEvents.stream);
});

afterAll(async () => {
  await stopService();
  await client?.close();
  await nc?.drain();
  await nats?.dispose();
  await db?.drop();
});

describe('catching up on identity events', () => {
  it('creates the profiles of accounts registered while it was down', async () => {
    const loginAt = '2025-06-01T08:00:00.000Z';
    await publish(IdentityEvents.userRegistered, registered(101, { allowNewsletters: true }));
    await publish(IdentityEvents.userRegistered, registered(102, { allowNewsletters: false }));
    await publish(IdentityEvents.userRegistered, registered(103));
    await publish(IdentityEvents.userLoggedIn, { userId: 101, occurredAt: loginAt });
    expect(app).toBeUndefined();

    await startService();

    // The login and the registration have consumers of their own: either may be handled first.
    const caughtUp = (p: ProfileDto) => {
      expect(p.lastActivity).not.toBeNull();
      expect(p.allowNewsletters).not.toBeNull();
    };
    await expect(profileEventually(101, caughtUp)).resolves.toEqual({
      userId: 101,
      firstName: '',
      lastName: '',
      phone: '',
      allowNewsletters: true,
      customHotkeys: {},
      avatar: null,
      lastActivity: loginAt,
    });
    expect((await profileEventually(102)).allowNewsletters).toBe(false);
    expect((await profileEventually(103)).allowNewsletters).toBeNull();
  });

  it('resumes after a restart with what was published while stopped', async () => {
    await startService();
    await stopService();
    await publish(IdentityEvents.userRegistered, registered(111, { allowNewsletters: true }));
    await startService();
    expect((await profileEventually(111)).allowNewsletters).toBe(true);
  });
});

describe('consuming identity events', () => {
  beforeAll(startService);

  it('changes nothing when a registration is delivered again', async () => {
    await publish(IdentityEvents.userRegistered, registered(121, { allowNewsletters: true }));
    await profileEventually(121);
    const edited = await client.request(ProfilesSubjects.updateProfile, { userId: 121, firstName: 'Ada' });

    await publish(IdentityEvents.userRegistered, registered(121, { allowNewsletters: false }));
    await publish(IdentityEvents.userRegistered, registered(121, { allowNewsletters: null }));
    // The consumer handles its subject in order: once the marker is in, the duplicates were handled.
    await publish(IdentityEvents.userRegistered, registered(122));
    await profileEventually(122);

    expect(await getProfile(121)).toEqual(edited);
    expect(await profileRows(121)).toBe(1);
  });

  it('stamps last activity at login and never moves it back', async () => {
    await publish(IdentityEvents.userRegistered, registered(131));
    await profileEventually(131);
    expect((await getProfile(131)).lastActivity).toBeNull();

    await publish(IdentityEvents.userLoggedIn, { userId: 131, occurredAt: '2025-06-02T10:00:00.000Z' });
    await profileEventually(131, (p) => expect(p.lastActivity).toBe('2025-06-02T10:00:00.000Z'));

    // An older login (reordered or redelivered) arrives; the marker login shows it was handled.
    await publish(IdentityEvents.userLoggedIn, { userId: 131, occurredAt: '2025-06-01T10:00:00.000Z' });
    await publish(IdentityEvents.userRegistered, registered(132));
    await publish(IdentityEvents.userLoggedIn, { userId: 132, occurredAt: '2025-06-02T11:00:00.000Z' });
    await profileEventually(132, (p) => expect(p.lastActivity).not.toBeNull());
    expect((await getProfile(131)).lastActivity).toBe('2025-06-02T10:00:00.000Z');

    await publish(IdentityEvents.userLoggedIn, { userId: 131, occurredAt: '2025-06-03T10:00:00.000Z' });
    await profileEventually(131, (p) => expect(p.lastActivity).toBe('2025-06-03T10:00:00.000Z'));
  });

  it('keeps the registration newsletter choice when the login was handled first', async () => {
    // The consumers are independent: after an outage the login may be processed before the registration.
    await publish(IdentityEvents.userLoggedIn, { userId: 141, occurredAt: '2025-06-02T10:00:00.000Z' });
    await profileEventually(141);
    await publish(IdentityEvents.userRegistered, registered(141, { allowNewsletters: true }));
    const profile = await profileEventually(141, (p) => expect(p.allowNewsletters).toBe(true));
    expect(profile.lastActivity).toBe('2025-06-02T10:00:00.000Z');
  });

  it('removes the profile of a deleted account, and a late registration does not bring it back', async () => {
    const registeredAt = new Date(Date.now() - 60_000).toISOString();
    await publish(IdentityEvents.userRegistered, registered(151, { occurredAt: registeredAt }));
    await profileEventually(151);

    await publish(IdentityEvents.userDeleted, { userId: 151, occurredAt: new Date().toISOString() });
    await eventually(async () => expect((await busErrorOf(getProfile(151))).code).toBe(ErrorCode.NotFound));

    await publish(IdentityEvents.userRegistered, registered(151, { occurredAt: registeredAt }));
    await publish(IdentityEvents.userLoggedIn, { userId: 151, occurredAt: registeredAt });
    await publish(IdentityEvents.userRegistered, registered(152));
    await publish(IdentityEvents.userLoggedIn, { userId: 152, occurredAt: new Date().toISOString() });
    await profileEventually(152, (p) => expect(p.lastActivity).not.toBeNull());

    expect(await profileRows(151)).toBe(0);
  });

  it('skips a malformed event instead of retrying it forever', async () => {
    await publishUnchecked(
      nc,
      nats,
      'identity',
      IdentityEvents.userRegistered.subject,
      { userId: 'abc' },
      randomUUID(),
    );
    await publish(IdentityEvents.userRegistered, registered(161));
    await profileEventually(161);
  });
});

describe('profile requests', () => {
  beforeAll(startService);

  it('ensures one profile under 5 concurrent calls', async () => {
    const replies = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.request(ProfilesSubjects.ensureProfile, { userId: 201, allowNewsletters: true }),
      ),
    );
    for (const reply of replies) expect(reply).toEqual(replies[0]);
    expect(replies[0]).toMatchObject({ userId: 201, allowNewsletters: true });
    expect(await profileRows(201)).toBe(1);
  });

  it('does not overwrite an existing profile when ensured again', async () => {
    await client.request(ProfilesSubjects.ensureProfile, { userId: 202, allowNewsletters: false });
    await client.request(ProfilesSubjects.updateProfile, {
      userId: 202,
      lastName: 'Lovelace',
      allowNewsletters: null,
    });
    const again = await client.request(ProfilesSubjects.ensureProfile, {
      userId: 202,
      allowNewsletters: true,
    });
    expect(again).toMatchObject({ lastName: 'Lovelace', allowNewsletters: null });
  });

  it('round-trips an update, creating the profile if needed', async () => {
    const customHotkeys = {
      'editor:save': { key: 'ctrl+shift+s', active: true },
      'editor:new': { key: 'ctrl+n' },
    };
    const updated = await client.request(ProfilesSubjects.updateProfile, {
      userId: 211,
      firstName: ' Ada ',
      lastName: 'Lovelace',
      phone: '+44 20 7946 0000',
      allowNewsletters: true,
      customHotkeys,
    });
    expect(updated).toEqual({
      userId: 211,
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+44 20 7946 0000',
      allowNewsletters: true,
      customHotkeys,
      avatar: null,
      lastActivity: null,
    });
    expect(await getProfile(211)).toEqual(updated);

    const partial = await client.request(ProfilesSubjects.updateProfile, { userId: 211, phone: '' });
    expect(partial).toEqual({ ...updated, phone: '' });
  });

  it('replies VALIDATION_FAILED with Label Studio field names, and writes nothing', async () => {
    const before = await client.request(ProfilesSubjects.updateProfile, { userId: 221, firstName: 'Ada' });
    const error = await busErrorOf(
      client.request(ProfilesSubjects.updateProfile, {
        userId: 221,
        firstName: 'x'.repeat(257),
        lastName: 'Ok',
        phone: 'a\u0000b',
        customHotkeys: { 'editor:save': { key: 'alt+f4' } },
      }),
    );
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.fields).toEqual({
      first_name: ['Ensure this field has no more than 256 characters.'],
      phone: ['Null characters are not allowed.'],
      custom_hotkeys: ["Key combination 'alt+f4' is not allowed for security reasons"],
    });
    expect(await getProfile(221)).toEqual(before);
  });

  it('refuses a malformed request as VALIDATION_FAILED', async () => {
    const bad = { userId: 'abc' } as unknown as { userId: number };
    expect((await busErrorOf(client.request(ProfilesSubjects.getProfile, bad))).code).toBe(
      ErrorCode.ValidationFailed,
    );
    const tooMany = { userIds: Array.from({ length: 1001 }, (_, i) => i + 1) };
    expect((await busErrorOf(client.request(ProfilesSubjects.listProfiles, tooMany))).code).toBe(
      ErrorCode.ValidationFailed,
    );
    const huge = { userId: 2 ** 40 };
    expect((await busErrorOf(client.request(ProfilesSubjects.getProfile, huge))).code).toBe(
      ErrorCode.ValidationFailed,
    );
    // The service checks too, whatever a sender's client let through.
    const gateway = await RawBus.connect(nats, 'gateway');
    try {
      for (const [subject, payload] of [
        [ProfilesSubjects.getProfile.subject, bad],
        [ProfilesSubjects.listProfiles.subject, tooMany],
        [ProfilesSubjects.getProfile.subject, huge],
      ] as const) {
        expect((await gateway.failureOf(subject, payload)).code).toBe(ErrorCode.ValidationFailed);
      }
    } finally {
      await gateway.close();
    }
  });

  it('answers NOT_FOUND with Label Studio text for a missing profile', async () => {
    const error = await busErrorOf(getProfile(9_999));
    expect(error.code).toBe(ErrorCode.NotFound);
    expect(error.message).toBe('No User matches the given query.');
  });

  it('lists profiles ordered by user id, skipping unknown ids', async () => {
    for (const userId of [233, 231, 232]) {
      await client.request(ProfilesSubjects.ensureProfile, { userId, allowNewsletters: null });
    }
    const listed = await client.request(ProfilesSubjects.listProfiles, {
      userIds: [233, 9_998, 231, 232, 231],
    });
    expect(listed.map((p) => p.userId)).toEqual([231, 232, 233]);
    expect(await client.request(ProfilesSubjects.listProfiles, { userIds: [] })).toEqual([]);
  });

  it('removes a profile idempotently when its account is deleted', async () => {
    await client.request(ProfilesSubjects.ensureProfile, { userId: 241, allowNewsletters: null });
    await client.request(ProfilesSubjects.ensureProfile, { userId: 242, allowNewsletters: null });
    const deleted = { userId: 241, occurredAt: new Date().toISOString() };
    await publish(IdentityEvents.userDeleted, deleted);
    await publish(IdentityEvents.userDeleted, deleted);
    // Handled in order by the one durable consumer: once 242 is gone, both deletions of 241 were handled.
    await publish(IdentityEvents.userDeleted, { userId: 242, occurredAt: new Date().toISOString() });
    await eventually(async () => expect((await busErrorOf(getProfile(242))).code).toBe(ErrorCode.NotFound));

    expect((await busErrorOf(getProfile(241))).code).toBe(ErrorCode.NotFound);
    expect(await profileRows(241)).toBe(0);
    // Each was acknowledged at the first delivery: the repeat did not fail and come back.
    const observer = await connectAsObserver(nats);
    try {
      const durable = IdentityEvents.userDeleted.consumers.profiles!;
      const info = await (
        await jetstreamManager(observer)
      ).consumers.info(IdentityEvents.stream.name, durable);
      expect({ pending: info.num_ack_pending, redelivered: info.num_redelivered }).toEqual({
        pending: 0,
        redelivered: 0,
      });
    } finally {
      await observer.close();
    }
  });

  it('reports ready when Postgres and NATS are reachable', async () => {
    const { port } = (app?.getHttpServer() as Server).address() as AddressInfo;
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, bus: { status: 'up' } },
    });
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
  });
});
