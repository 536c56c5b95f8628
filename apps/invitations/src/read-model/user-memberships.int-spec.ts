import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NatsConnection } from '@nats-io/transport-node';
import { BusClient, ensureStream, publishEvent } from '@app/bus';
import { IdentityEvents, InvitationsSubjects, ReadModels } from '@app/contracts';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infra';
import { TestNatsServer } from '../../../../test/support/nats-server';
import { connectAs, connectAsObserver } from '../../../../test/support/raw-bus';
import { ReadModelReader } from '../../../../test/support/read-model-reader';
import { membershipRequest, userRegistered } from '../../test/factories';
import {
  connectClient,
  RunningInvitations,
  startInvitations,
  TestTables,
  testConfig,
} from '../../test/invitations-test-service';
import { InvitationsConfig } from '../config';

const OWNER = 1;
const MEMBER = 2;
const OTHER_MEMBER = 3;

/**
 * invitations keeps the gateway's `user-memberships` read model: every change of a user's
 * organizations (or of what they see of their active one) reaches the bucket through the outbox,
 * signed, and the gateway's replica sees it.
 */
describe('invitations publishes the user-memberships read model', () => {
  let database: TestDatabase;
  let nats: TestNatsServer;
  let config: InvitationsConfig;
  let service: RunningInvitations | undefined;
  let client: BusClient;
  let identity: NatsConnection;
  let tables: TestTables;
  let reader: ReadModelReader<typeof ReadModels.userMemberships>;
  let organizationId: number;

  const ensure = (userId: number, overrides: Parameters<typeof membershipRequest>[0] = {}) =>
    client.request(InvitationsSubjects.ensureMembership, membershipRequest({ userId, ...overrides }));
  const memberOf = (organization: number, userId: number) =>
    client.request(
      InvitationsSubjects.getMember,
      { organizationId: organization, userId },
      { caller: OWNER },
    );

  beforeAll(async () => {
    database = await createTestDatabase('invitations_rm');
    nats = await TestNatsServer.start();
    config = testConfig(database.url, nats);
    identity = await connectAs(nats, 'identity');
    await ensureStream(identity, IdentityEvents.stream);
    service = await startInvitations(config);
    client = await connectClient(nats);
    tables = await TestTables.open(database.url);
    // The first signup founds the organization (its owner is OWNER).
    const { activeOrganization } = await ensure(OWNER);
    organizationId = activeOrganization!.id;
    reader = await ReadModelReader.open(nats, ReadModels.userMemberships);
  });

  afterAll(async () => {
    await reader?.close();
    await client?.close();
    await service?.stop();
    await identity?.drain();
    await tables?.close();
    await nats?.dispose();
    await database?.drop();
  });

  it('a membership made on request: the active organization as whoami shows it, and the membership', async () => {
    const context = await ensure(MEMBER);
    const member = await memberOf(organizationId, MEMBER);
    await expect(reader.valueOf(MEMBER)).resolves.toEqual({
      activeOrganization: context.activeOrganization,
      tokenSettings: { apiTokensEnabled: true, legacyApiTokensEnabled: true },
      memberships: [{ id: member.id, organizationId, createdAt: member.createdAt, deletedAt: null }],
    });
    expect(context.activeOrganization).toEqual({
      id: organizationId,
      title: 'Label Studio',
      ownerEmail: `user${OWNER}@example.com`,
    });
  });

  it('a membership made from the registration event', async () => {
    await publishEvent(
      identity,
      nats.settingsFor('identity'),
      IdentityEvents.userRegistered,
      userRegistered({ userId: OTHER_MEMBER, organizationId }),
      randomUUID(),
    );
    await reader.valueOf(OTHER_MEMBER, (v) => {
      expect(v.activeOrganization?.id).toBe(organizationId);
      expect(v.memberships.map((m) => m.organizationId)).toEqual([organizationId]);
    });
  });

  it('a removal marks the membership deleted and moves the active organization', async () => {
    const userId = 10;
    await ensure(userId);
    const other = await tables.insertOrganization({ title: 'Other' });
    await ensure(userId, { organizationId: other.id, setActiveOrganization: false });
    await reader.valueOf(userId, (v) => expect(v.memberships).toHaveLength(2));

    await client.request(InvitationsSubjects.removeMember, { organizationId, userId }, { caller: OWNER });
    const value = await reader.valueOf(userId, (v) => expect(v.activeOrganization?.id).toBe(other.id));
    const removed = await memberOf(organizationId, userId);
    expect(removed.deletedAt).not.toBeNull();
    // Ordered by membership id: the first one (now deleted), then the other organization's.
    expect(value.memberships).toEqual([
      { id: removed.id, organizationId, createdAt: removed.createdAt, deletedAt: removed.deletedAt },
      expect.objectContaining({ organizationId: other.id, deletedAt: null }),
    ]);
    expect(value.activeOrganization).toEqual({ id: other.id, title: 'Other', ownerEmail: '' });

    // Removed from their only one: no active organization, the membership kept as deleted.
    await ensure(11);
    await reader.valueOf(11, (v) => expect(v.activeOrganization?.id).toBe(organizationId));
    await client.request(InvitationsSubjects.removeMember, { organizationId, userId: 11 }, { caller: OWNER });
    await reader.valueOf(11, (v) => {
      expect(v.activeOrganization).toBeNull();
      expect(v.memberships).toEqual([
        expect.objectContaining({ organizationId, deletedAt: expect.any(String) }),
      ]);
    });
  });

  it('a new title reaches every user whose active organization it is', async () => {
    for (const userId of [OWNER, MEMBER, OTHER_MEMBER]) await reader.valueOf(userId);
    await client.request(
      InvitationsSubjects.updateOrganization,
      { organizationId, title: 'Renamed' },
      { caller: OWNER },
    );
    for (const userId of [MEMBER, OTHER_MEMBER]) {
      await reader.valueOf(userId, (v) =>
        expect(v.activeOrganization).toMatchObject({ id: organizationId, title: 'Renamed' }),
      );
    }
    // One outbox row per user whose active organization it is, no more.
    const rows = await tables.rows<{ subject: string }>(
      `SELECT subject FROM outbox WHERE subject LIKE '$KV.user-memberships.%' ORDER BY id DESC LIMIT 3`,
    );
    expect(rows.map((r) => r.subject).sort()).toEqual(
      [OWNER, MEMBER, OTHER_MEMBER].map((id) => `$KV.user-memberships.${id}`).sort(),
    );
  });

  it('token settings reach every user whose active organization it is; any active member may change them', async () => {
    const changed = await client.request(
      InvitationsSubjects.updateTokenSettings,
      { legacyApiTokensEnabled: false },
      { caller: MEMBER },
    );
    expect(changed).toEqual({ organizationId, apiTokensEnabled: true, legacyApiTokensEnabled: false });
    for (const userId of [OWNER, MEMBER, OTHER_MEMBER]) {
      await reader.valueOf(userId, (v) =>
        expect(v.tokenSettings).toEqual({ apiTokensEnabled: true, legacyApiTokensEnabled: false }),
      );
    }
    await expect(
      client.request(InvitationsSubjects.getTokenSettings, {}, { caller: OWNER }),
    ).resolves.toEqual(changed);
    await client.request(
      InvitationsSubjects.updateTokenSettings,
      { legacyApiTokensEnabled: true },
      { caller: OWNER },
    );
    await reader.valueOf(MEMBER, (v) =>
      expect(v.tokenSettings).toEqual({ apiTokensEnabled: true, legacyApiTokensEnabled: true }),
    );
  });

  it("a deleted account's key goes; those in the organization it owned lose the owner's email", async () => {
    await publishEvent(
      identity,
      nats.settingsFor('identity'),
      IdentityEvents.userDeleted,
      { userId: OWNER, occurredAt: new Date().toISOString() },
      randomUUID(),
    );
    await reader.absent(OWNER);
    for (const userId of [MEMBER, OTHER_MEMBER]) {
      await reader.valueOf(userId, (v) =>
        expect(v.activeOrganization).toEqual({ id: organizationId, title: 'Renamed', ownerEmail: '' }),
      );
    }
  });

  it('ignores a value that invitations did not sign', async () => {
    const published = await reader.valueOf(MEMBER);
    const nc = await connectAsObserver(nats);
    try {
      await jetstream(nc).publish(
        `$KV.${ReadModels.userMemberships.bucket}.${MEMBER}`,
        JSON.stringify({
          ...published,
          activeOrganization: { id: 999, title: 'Forged', ownerEmail: 'x@example.com' },
        }),
      );
      await ensure(20, { organizationId });
      await reader.valueOf(20);
      expect(reader.get(MEMBER)).toEqual(published);
    } finally {
      await nc.close();
    }
  });

  it('fills a bucket that starts empty from the memberships that exist', async () => {
    await reader.close();
    await service!.stop();
    service = undefined;
    const nc = await connectAsObserver(nats);
    try {
      await (await jetstreamManager(nc)).streams.delete(`KV_${ReadModels.userMemberships.bucket}`);
    } finally {
      await nc.close();
    }
    // A membership written while nothing published: it is in the tables only.
    await tables.insertMembership(organizationId, 30);

    service = await startInvitations(config);
    reader = await ReadModelReader.open(nats, ReadModels.userMemberships);
    const users = await tables.rows<{ user_id: number }>(
      'SELECT user_id FROM organization_member UNION SELECT user_id FROM user_context ORDER BY user_id',
    );
    expect(users.map((u) => u.user_id)).toEqual([MEMBER, OTHER_MEMBER, 10, 11, 20, 30]);
    for (const { user_id } of users) await reader.valueOf(user_id);
    expect([...reader.values.keys()].map(Number).sort((a, b) => a - b)).toEqual(users.map((u) => u.user_id));
    expect(reader.get(30)).toEqual({
      activeOrganization: null,
      tokenSettings: null,
      memberships: [expect.objectContaining({ organizationId, deletedAt: null })],
    });
  });
});
