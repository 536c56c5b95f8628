import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import sharp from 'sharp';
import {
  AvatarUploads,
  EventContract,
  IdentityEvents,
  PayloadOf,
  ProfilesSubjects,
  ReadModels,
} from '@app/contracts';
import { BusClient, ensureStream, publishEvent, UploadStore } from '@app/bus';
import { createTestDatabase, TestDatabase } from '../../../test/support/infra';
import { TestNatsServer } from '../../../test/support/nats-server';
import { startTestStorage, TestObjectStorage } from '../../../test/support/object-storage';
import { connectAs, connectAsObserver } from '../../../test/support/raw-bus';
import { ReadModelReader } from '../../../test/support/read-model-reader';
import { startProfilesService } from '../src/profiles.bootstrap';
import { ProfilesConfig } from '../src/config';
import { profilesTestConfig } from './test-config';

/**
 * profiles keeps the gateway's `profiles` read model: every change of a profile reaches the bucket
 * through the outbox, signed, and the gateway's replica sees it.
 */
describe('profiles publishes the profiles read model', () => {
  let db: TestDatabase;
  let nats: TestNatsServer;
  let storage: TestObjectStorage;
  let config: ProfilesConfig;
  let app: INestApplication | undefined;
  /** The gateway: the service's callers and the writer of avatar uploads. */
  let client: BusClient;
  /** Identity: the publisher of account events. */
  let identity: NatsConnection;
  let uploads: UploadStore;
  let reader: ReadModelReader<typeof ReadModels.profiles>;
  let pg: Client;

  const publish = async <C extends EventContract>(contract: C, payload: PayloadOf<C>) =>
    publishEvent(identity, nats.settingsFor('identity'), contract, payload, randomUUID());
  const ensure = (userId: number) =>
    client.request(ProfilesSubjects.ensureProfile, { userId, allowNewsletters: null });

  beforeAll(async () => {
    [db, nats] = await Promise.all([createTestDatabase('profiles_rm'), TestNatsServer.start()]);
    storage = await startTestStorage();
    config = profilesTestConfig(db.url, nats, storage.env());
    client = new BusClient(nats.settingsFor('gateway', 10_000));
    await client.connect();
    identity = await connectAs(nats, 'identity');
    await ensureStream(identity, IdentityEvents.stream);
    uploads = new UploadStore(() => client.nats(), AvatarUploads);
    app = await startProfilesService(config);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    reader = await ReadModelReader.open(nats, ReadModels.profiles);
  });

  afterAll(async () => {
    await reader?.close();
    await app?.close();
    await client?.close();
    await identity?.drain();
    await pg?.end();
    await storage?.dispose();
    await nats?.dispose();
    await db?.drop();
  });

  it('a profile made on request is published as the service answers it', async () => {
    const profile = await client.request(ProfilesSubjects.ensureProfile, {
      userId: 1,
      allowNewsletters: true,
    });
    await expect(reader.valueOf(1)).resolves.toEqual(profile);
  });

  it('a profile made from the registration event', async () => {
    await publish(IdentityEvents.userRegistered, {
      userId: 2,
      email: 'user2@example.com',
      username: 'user2',
      allowNewsletters: false,
      organizationId: 1,
      setActiveOrganization: true,
      occurredAt: new Date().toISOString(),
    });
    await reader.valueOf(2, (v) =>
      expect(v).toMatchObject({ userId: 2, allowNewsletters: false, lastActivity: null }),
    );
  });

  it('an update', async () => {
    await ensure(3);
    await reader.valueOf(3);
    const updated = await client.request(ProfilesSubjects.updateProfile, {
      userId: 3,
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+44 1',
      customHotkeys: { 'annotation:submit': { key: 'ctrl+enter', active: true } },
    });
    const value = await reader.valueOf(3, (v) => expect(v.firstName).toBe('Ada'));
    expect(value).toEqual(updated);
    expect(value).toMatchObject({ lastName: 'Lovelace', phone: '+44 1' });
  });

  it('an avatar set, then cleared', async () => {
    await ensure(4);
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#036' } })
      .png()
      .toBuffer();
    const withAvatar = await client.request(ProfilesSubjects.setAvatar, {
      userId: 4,
      upload: await uploads.put(png),
    });
    expect(withAvatar.avatar).toMatch(/^\/data\/avatars\//);
    await reader.valueOf(4, (v) => expect(v.avatar).toBe(withAvatar.avatar));
    await client.request(ProfilesSubjects.clearAvatar, { userId: 4 });
    await reader.valueOf(4, (v) => expect(v.avatar).toBeNull());
  });

  it('activity: from the login event, and the gateway’s coalesced batch (moved profiles only)', async () => {
    await ensure(5);
    await ensure(6);
    await reader.valueOf(6);
    await publish(IdentityEvents.userLoggedIn, { userId: 5, occurredAt: '2026-02-01T10:00:00.000Z' });
    await reader.valueOf(5, (v) => expect(v.lastActivity).toBe('2026-02-01T10:00:00.000Z'));

    await client.request(ProfilesSubjects.recordActivity, {
      entries: [
        { userId: 5, at: '2026-02-02T10:00:00.000Z' },
        { userId: 6, at: '2026-02-03T10:00:00.000Z' },
        { userId: 404, at: '2026-02-03T10:00:00.000Z' },
      ],
    });
    await reader.valueOf(5, (v) => expect(v.lastActivity).toBe('2026-02-02T10:00:00.000Z'));
    await reader.valueOf(6, (v) => expect(v.lastActivity).toBe('2026-02-03T10:00:00.000Z'));
    // One outbox insert for the batch, of the profiles that moved; none for a user without one.
    const { rows } = await pg.query<{ subject: string }>(
      `SELECT subject FROM outbox WHERE subject LIKE '$KV.profiles.%' ORDER BY id DESC LIMIT 2`,
    );
    expect(rows.map((r) => r.subject).sort()).toEqual(['$KV.profiles.5', '$KV.profiles.6']);
    expect(reader.get(404)).toBeUndefined();
  });

  it('a deleted account’s profile leaves the read model', async () => {
    await ensure(7);
    await reader.valueOf(7);
    await publish(IdentityEvents.userDeleted, { userId: 7, occurredAt: new Date().toISOString() });
    await reader.absent(7);
  });

  it('ignores a value that profiles did not sign', async () => {
    const published = await reader.valueOf(1);
    const nc = await connectAsObserver(nats);
    try {
      await jetstream(nc).publish(
        `$KV.${ReadModels.profiles.bucket}.1`,
        JSON.stringify({ ...published, firstName: 'Mallory' }),
      );
      await ensure(8);
      await reader.valueOf(8);
      expect(reader.get(1)).toEqual(published);
    } finally {
      await nc.close();
    }
  });

  it('fills a bucket that starts empty from the profiles that exist', async () => {
    await reader.close();
    await app!.close();
    app = undefined;
    const nc = await connectAsObserver(nats);
    try {
      await (await jetstreamManager(nc)).streams.delete(`KV_${ReadModels.profiles.bucket}`);
    } finally {
      await nc.close();
    }
    // A profile written while nothing published: it is in the table only.
    await pg.query(
      `INSERT INTO profile (user_id, first_name, created_at, updated_at) VALUES (50, 'Quiet', now(), now())`,
    );

    app = await startProfilesService(config);
    reader = await ReadModelReader.open(nats, ReadModels.profiles);
    const { rows } = await pg.query<{ user_id: number }>('SELECT user_id FROM profile ORDER BY user_id');
    for (const { user_id } of rows) await reader.valueOf(user_id);
    expect([...reader.values.keys()].map(Number).sort((a, b) => a - b)).toEqual(rows.map((r) => r.user_id));
    expect(reader.get(50)).toMatchObject({ userId: 50, firstName: 'Quiet' });
    expect(reader.get(7)).toBeUndefined();
  });
});
