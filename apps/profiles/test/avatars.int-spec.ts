import { INestApplication } from '@nestjs/common';
import { Client as MinioClient } from 'minio';
import { Client } from 'pg';
import sharp from 'sharp';
import { randomUUID } from 'node:crypto';
import { NatsConnection } from '@nats-io/transport-node';
import { AvatarUploads, ErrorCode, IdentityEvents, ProfilesSubjects } from '@app/contracts';
import { BusClient, BusError, ensureStream, publishEvent, UploadStore } from '@app/bus';
import { createTestDatabase, TestDatabase } from '../../../test/support/infra';
import { TestNatsServer } from '../../../test/support/nats-server';
import { startTestStorage, TestObjectStorage } from '../../../test/support/object-storage';
import { connectAs } from '../../../test/support/raw-bus';
import { OrphanSweeper } from '../src/avatars/orphan-sweeper';
import { profilesTestConfig } from './test-config';
import { startProfilesService } from '../src/profiles.bootstrap';

let db: TestDatabase;
let nats: TestNatsServer;
let storage: TestObjectStorage;
let s3: MinioClient;
/** The gateway: the service's callers, and the writer of avatar uploads. */
let client: BusClient;
/** Identity, with its own credentials: the publisher of account deletions and their stream's owner. */
let identity: NatsConnection;
let uploads: UploadStore;
let app: INestApplication;

const png = (size: number) =>
  sharp({ create: { width: size, height: size, channels: 3, background: '#aa3300' } })
    .png()
    .toBuffer();

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    return (await pg.query(text, params)).rows as T[];
  } finally {
    await pg.end();
  }
}

async function objects(): Promise<string[]> {
  const names: string[] = [];
  for await (const item of s3.listObjectsV2('avatars', 'avatars/', true)) {
    if (item.name) names.push(item.name.slice('avatars/'.length));
  }
  return names.sort();
}

const setAvatar = async (userId: number, size = 32) =>
  client.request(ProfilesSubjects.setAvatar, { userId, upload: await uploads.put(await png(size)) });

beforeAll(async () => {
  db = await createTestDatabase('avatars');
  nats = await TestNatsServer.start();
  storage = await startTestStorage();
  const s3env = storage.env();
  s3 = new MinioClient({
    endPoint: s3env.MINIO_ENDPOINT,
    port: Number(s3env.MINIO_PORT),
    useSSL: false,
    accessKey: s3env.MINIO_ACCESS_KEY,
    secretKey: s3env.MINIO_SECRET_KEY,
    region: s3env.MINIO_REGION,
  });
  app = await startProfilesService(
    profilesTestConfig(db.url, nats, {
      STORAGE_TIMEOUT_MS: '1500',
      AVATAR_MAX_WIDTH: '600',
      ...storage.env(),
    }),
  );
  client = new BusClient(nats.settingsFor('gateway', 10_000));
  await client.connect();
  identity = await connectAs(nats, 'identity');
  await ensureStream(identity, IdentityEvents.stream);
  uploads = new UploadStore(() => client.nats(), AvatarUploads);
});

afterAll(async () => {
  await app?.close();
  await client?.close();
  await identity?.drain();
  await storage?.dispose();
  await nats?.dispose();
  await db?.drop();
});

describe('avatars in object storage', () => {
  it('stores the image, takes the upload out of the bus store and points the profile at it', async () => {
    const profile = await setAvatar(1);
    const file = profile.avatar!.split('/').pop()!;
    expect(profile.avatar).toMatch(/^\/data\/avatars\/[0-9a-f]{32}\.png$/);
    expect(await objects()).toEqual([file]);
    expect(await sql('SELECT file FROM avatar_orphan')).toEqual([]);
    const location = await client.request(ProfilesSubjects.locateAvatar, { file });
    expect(location).toMatchObject({ contentType: 'image/png' });
    const served = await fetch(location.url);
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(32);
  });

  it('tells its configured limits and applies them', async () => {
    expect(await client.request(ProfilesSubjects.avatarLimits, {})).toEqual({
      maxWidth: 600,
      maxHeight: 512,
      maxBytes: 1024 * 1024,
    });
    const wide = await sharp({ create: { width: 600, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    await expect(
      client.request(ProfilesSubjects.setAvatar, { userId: 8, upload: await uploads.put(wide) }),
    ).resolves.toMatchObject({ userId: 8 });
    const tall = await sharp({ create: { width: 10, height: 513, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const error = (await client
      .request(ProfilesSubjects.setAvatar, { userId: 8, upload: await uploads.put(tall) })
      .catch((e: unknown) => e)) as BusError;
    expect(error.message).toBe('Please use an image that is 600 x 512 pixels or smaller.');
  });

  it('an upload is taken once: a repeated request finds nothing', async () => {
    const upload = await uploads.put(await png(8));
    await client.request(ProfilesSubjects.setAvatar, { userId: 2, upload });
    const again = await client
      .request(ProfilesSubjects.setAvatar, { userId: 2, upload })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(BusError);
    expect((again as BusError).code).toBe(ErrorCode.ValidationFailed);
  });

  it('does not give a removed account an avatar, and leaves no object behind', async () => {
    await client.request(ProfilesSubjects.ensureProfile, { userId: 3, allowNewsletters: null });
    // Identity deleted the account: its durable event removes the profile.
    await publishEvent(
      identity,
      nats.settingsFor('identity'),
      IdentityEvents.userDeleted,
      { userId: 3, occurredAt: new Date().toISOString() },
      randomUUID(),
    );
    for (let i = 0; i < 150; i++) {
      const gone = await client.request(ProfilesSubjects.getProfile, { userId: 3 }).then(
        () => false,
        (error: unknown) => error instanceof BusError && error.code === ErrorCode.NotFound,
      );
      if (gone) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(
      (await client.request(ProfilesSubjects.getProfile, { userId: 3 }).catch((e: unknown) => e)) as BusError,
    ).toMatchObject({ code: ErrorCode.NotFound });
    const before = await objects();
    const error = await setAvatar(3).catch((e: unknown) => e);
    expect((error as BusError).code).toBe(ErrorCode.NotFound);
    expect(await objects()).toEqual(before);
  });

  it('the sweeper removes objects nobody points at once they are old enough, and never a used one', async () => {
    const used = (await setAvatar(4)).avatar!.split('/').pop()!;
    // A crash between storing an object and claiming it leaves an orphan record and the object.
    const crashed = 'f'.repeat(32) + '.png';
    await sql('INSERT INTO avatar_orphan (file) VALUES ($1)', [crashed]);
    await s3.putObject('avatars', `avatars/${crashed}`, await png(4));
    // A stale record of a file a profile uses must not remove it.
    await sql('INSERT INTO avatar_orphan (file) VALUES ($1)', [used]);
    const sweeper = app.get(OrphanSweeper);

    expect(await sweeper.sweep()).toBe(0); // still within the grace period
    expect(await objects()).toContain(crashed);

    await sql(`UPDATE avatar_orphan SET since = now() - interval '1 hour'`);
    expect(await sweeper.sweep()).toBe(1);
    expect(await objects()).not.toContain(crashed);
    expect(await objects()).toContain(used);
    expect(await sql('SELECT file FROM avatar_orphan WHERE file = $1', [crashed])).toEqual([]);
  });

  it('while storage is down: set and clear fail as UNAVAILABLE within the timeout, the profile keeps its avatar', async () => {
    const kept = (await setAvatar(5)).avatar;
    await storage.stop();
    try {
      const started = Date.now();
      const error = (await setAvatar(5).catch((e: unknown) => e)) as BusError;
      expect(error.code).toBe(ErrorCode.Unavailable);
      expect(Date.now() - started).toBeLessThan(5_000);
      const cleared = (await client
        .request(ProfilesSubjects.clearAvatar, { userId: 5 })
        .catch((e: unknown) => e)) as BusError;
      expect(cleared.code).toBe(ErrorCode.Unavailable);
      expect((await client.request(ProfilesSubjects.getProfile, { userId: 5 })).avatar).toBe(kept);
    } finally {
      await storage.resume();
    }
    // The object stored before the outage was not touched; the failed one left only an orphan record.
    const orphans = await sql<{ file: string }>('SELECT file FROM avatar_orphan');
    expect(orphans.map((o) => o.file)).not.toContain(kept!.split('/').pop());
  });

  it('recovers when storage comes back empty (a fresh volume): the bucket is made again', async () => {
    await storage.wipe();
    expect(await s3.bucketExists('avatars')).toBe(false);
    const first = await setAvatar(7).catch((e: unknown) => e);
    const profile = first instanceof BusError ? await setAvatar(7) : first;
    expect((profile as { avatar: string }).avatar).toMatch(/^\/data\/avatars\//);
    expect(await s3.bucketExists('avatars')).toBe(true);
  });

  it('records coalesced activity, moving forward only', async () => {
    await client.request(ProfilesSubjects.ensureProfile, { userId: 6, allowNewsletters: null });
    await client.request(ProfilesSubjects.recordActivity, {
      entries: [
        { userId: 6, at: '2026-03-01T10:00:00.000Z' },
        { userId: 6, at: '2026-03-01T11:00:00.000Z' },
        { userId: 999, at: '2026-03-01T11:00:00.000Z' },
      ],
    });
    await client.request(ProfilesSubjects.recordActivity, {
      entries: [{ userId: 6, at: '2026-03-01T09:00:00.000Z' }],
    });
    expect((await client.request(ProfilesSubjects.getProfile, { userId: 6 })).lastActivity).toBe(
      '2026-03-01T11:00:00.000Z',
    );
    expect(await sql('SELECT 1 FROM profile WHERE user_id = 999')).toEqual([]);
  });
});
