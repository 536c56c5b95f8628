import { randomUUID } from 'node:crypto';
import { NatsConnection } from '@nats-io/transport-node';
import { ErrorCode, IdentityEvents, InvitationsSubjects } from '@app/contracts';
import { BusClient, ensureStream, publishEvent } from '@app/bus';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infra';
import { TestNatsServer } from '../../../../test/support/nats-server';
import { connectAs, RawBus } from '../../../../test/support/raw-bus';
import { membershipRequest } from '../../test/factories';
import {
  connectClient,
  eventually,
  failureOf,
  RunningInvitations,
  startInvitations,
  TestTables,
  testConfig,
} from '../../test/invitations-test-service';

describe('memberships over the bus', () => {
  let database: TestDatabase;
  let nats: TestNatsServer;
  let service: RunningInvitations;
  let client: BusClient;
  let tables: TestTables;
  let identity: NatsConnection;
  let raw: RawBus;

  beforeAll(async () => {
    database = await createTestDatabase('invitations');
    nats = await TestNatsServer.start();
    // Identity's stream, for the user-deleted facts these tests publish as identity would.
    identity = await connectAs(nats, 'identity');
    await ensureStream(identity, IdentityEvents.stream);
    raw = await RawBus.connect(nats, 'gateway');
    service = await startInvitations(testConfig(database.url, nats));
    client = await connectClient(nats);
    tables = await TestTables.open(database.url);
  });

  afterAll(async () => {
    await raw?.close();
    await identity?.drain();
    await client?.close();
    await service?.stop();
    await tables?.close();
    await nats?.dispose();
    await database?.drop();
  });

  beforeEach(() => tables.truncate());

  /** Identity deleted the user: its durable event reaches the service, which forgets them. */
  const deleteUser = async (userId: number) => {
    await publishEvent(
      identity,
      nats.settingsFor('identity'),
      IdentityEvents.userDeleted,
      { userId, occurredAt: new Date().toISOString() },
      randomUUID(),
    );
    await eventually(async () =>
      (await tables.rows('SELECT 1 FROM removed_user WHERE user_id = $1', [userId])).length
        ? true
        : undefined,
    );
  };

  const ensure = (overrides: Parameters<typeof membershipRequest>[0] = {}, caller?: number) =>
    client.request(InvitationsSubjects.ensureMembership, membershipRequest(overrides), { caller });

  it('lets the first account found "Label Studio" and own it', async () => {
    const context = await ensure({ userId: 1, email: 'founder@example.com' });

    expect(context).toEqual({
      userId: 1,
      activeOrganization: {
        id: expect.any(Number),
        title: 'Label Studio',
        ownerEmail: 'founder@example.com',
      },
    });
    const [row] = await tables.rows<{ created_by_id: number; token: string }>('SELECT * FROM organization');
    expect(row.created_by_id).toBe(1);
    expect(row.token).toMatch(/^[A-Za-z0-9]{40}$/);
  });

  it('lets the second account join the first organization', async () => {
    const first = await ensure({ userId: 1, email: 'founder@example.com' });
    const second = await ensure({ userId: 2, email: 'second@example.com' });

    expect(second.activeOrganization).toEqual(first.activeOrganization);
    expect(await tables.count('organization')).toBe(1);
    const members = await client.request(InvitationsSubjects.listMembers, {
      organizationId: first.activeOrganization!.id,
    });
    expect(members.map((m) => m.userId)).toEqual([1, 2]);
  });

  it('founds exactly one organization when five first accounts arrive at once', async () => {
    const contexts = await Promise.all([1, 2, 3, 4, 5].map((userId) => ensure({ userId })));

    expect(await tables.count('organization')).toBe(1);
    expect(await tables.count('organization_member')).toBe(5);
    expect(new Set(contexts.map((c) => c.activeOrganization?.id)).size).toBe(1);
  });

  it('changes nothing when the same membership is ensured again', async () => {
    await ensure({ userId: 1 });
    const before = await tables.rows('SELECT * FROM organization_member');
    const again = await ensure({ userId: 1 });

    expect(again.activeOrganization?.title).toBe('Label Studio');
    expect(await tables.rows('SELECT * FROM organization_member')).toEqual(before);
  });

  it('keeps the active organization a user already has', async () => {
    const { activeOrganization } = await ensure({ userId: 1 });
    await tables.rows(
      "INSERT INTO organization (title, token, token_digest) VALUES ('Other', 'other-token', repeat('0', 64))",
    );
    const [other] = await tables.rows<{ id: number }>("SELECT id FROM organization WHERE title = 'Other'");

    const context = await ensure({ userId: 1, organizationId: other.id });

    expect(context.activeOrganization).toEqual(activeOrganization);
    expect(await tables.count('organization_member')).toBe(2);
  });

  it('adds an account made by POST /api/users/ without giving it an active organization', async () => {
    const owner = await ensure({ userId: 1 });
    const organizationId = owner.activeOrganization!.id;

    const context = await ensure({ userId: 2, organizationId, setActiveOrganization: false }, 1);

    expect(context).toEqual({ userId: 2, activeOrganization: null });
    await expect(
      client.request(InvitationsSubjects.getMember, { organizationId, userId: 2 }),
    ).resolves.toMatchObject({
      userId: 2,
      organizationId,
      deletedAt: null,
    });
  });

  it('refuses an organization that does not exist', async () => {
    await expect(
      failureOf(client, InvitationsSubjects.ensureMembership, membershipRequest({ organizationId: 999 })),
    ).resolves.toEqual({
      code: ErrorCode.NotFound,
      message: 'Organization not found',
    });
  });

  it('does not let a user add people to an organization they are not in', async () => {
    const { activeOrganization } = await ensure({ userId: 1 });

    const failure = await failureOf(
      client,
      InvitationsSubjects.ensureMembership,
      membershipRequest({ userId: 3, organizationId: activeOrganization!.id }),
      2,
    );

    expect(failure.code).toBe(ErrorCode.NotFound);
    expect(await tables.count('organization_member')).toBe(1);
  });

  it('does not re-add a member whose row was soft-deleted (Label Studio add_user)', async () => {
    const { activeOrganization } = await ensure({ userId: 1 });
    await ensure({ userId: 2 });
    await tables.rows('UPDATE organization_member SET deleted_at = now() WHERE user_id = 2');

    await ensure({ userId: 2, organizationId: activeOrganization!.id });

    const member = await client.request(InvitationsSubjects.getMember, {
      organizationId: activeOrganization!.id,
      userId: 2,
    });
    expect(member.deletedAt).not.toBeNull();
  });

  it('gives the active organization meta of each user, and null for users without one', async () => {
    await ensure({ userId: 1, email: 'founder@example.com' });
    await ensure({ userId: 2 });
    const { activeOrganization } = await client.request(InvitationsSubjects.getContext, { userId: 1 });

    const contexts = await client.request(InvitationsSubjects.listContexts, { userIds: [2, 42, 1] });

    expect(activeOrganization).toEqual({
      id: expect.any(Number),
      title: 'Label Studio',
      ownerEmail: 'founder@example.com',
    });
    expect(contexts).toEqual([
      { userId: 2, activeOrganization },
      { userId: 42, activeOrganization: null },
      { userId: 1, activeOrganization },
    ]);
  });

  it('answers "Member not found" for a user outside the organization', async () => {
    const { activeOrganization } = await ensure({ userId: 1 });

    await expect(
      failureOf(client, InvitationsSubjects.getMember, { organizationId: activeOrganization!.id, userId: 9 }),
    ).resolves.toEqual({ code: ErrorCode.NotFound, message: 'Member not found' });
  });

  it('hides the members of an organization from a caller who never belonged to it', async () => {
    const { activeOrganization } = await ensure({ userId: 1 });
    const organizationId = activeOrganization!.id;

    await expect(
      client.request(InvitationsSubjects.listMembers, { organizationId }, { caller: 1 }),
    ).resolves.toHaveLength(1);
    expect((await failureOf(client, InvitationsSubjects.listMembers, { organizationId }, 77)).code).toBe(
      ErrorCode.NotFound,
    );
    expect(
      (await failureOf(client, InvitationsSubjects.getMember, { organizationId, userId: 1 }, 77)).code,
    ).toBe(ErrorCode.NotFound);
  });

  it('forgets a deleted user; the organization they owned stays without an owner', async () => {
    await ensure({ userId: 1, email: 'founder@example.com' });
    const { activeOrganization } = await ensure({ userId: 2 });

    await deleteUser(1);

    expect(await client.request(InvitationsSubjects.getContext, { userId: 1 })).toEqual({
      userId: 1,
      activeOrganization: null,
    });
    expect(await client.request(InvitationsSubjects.getContext, { userId: 2 })).toEqual({
      userId: 2,
      activeOrganization: { id: activeOrganization!.id, title: 'Label Studio', ownerEmail: '' },
    });
    const members = await client.request(InvitationsSubjects.listMembers, {
      organizationId: activeOrganization!.id,
    });
    expect(members.map((m) => m.userId)).toEqual([2]);
    expect(await tables.rows('SELECT created_by_id FROM organization')).toEqual([{ created_by_id: null }]);
  });

  it('does not bring a deleted user back when a late registration arrives', async () => {
    await ensure({ userId: 1 });
    await deleteUser(1);

    expect(
      (await failureOf(client, InvitationsSubjects.ensureMembership, membershipRequest({ userId: 1 }))).code,
    ).toBe(ErrorCode.NotFound);
    expect(await tables.count('organization_member')).toBe(0);
  });

  it.each([
    ['a negative id', { userId: -1 }],
    ['a huge id', { userId: 2 ** 40 }],
    ['a string id', { userId: '1' }],
    ['an operator object', { userId: { $gt: 0 } }],
  ])('answers VALIDATION_FAILED for %s', async (_case, payload) => {
    const failure = await failureOf(
      client,
      InvitationsSubjects.getContext,
      payload as unknown as { userId: number },
    );
    expect(failure.code).toBe(ErrorCode.ValidationFailed);
    // The service checks too, whatever a sender's client let through.
    const answer = await raw.failureOf(InvitationsSubjects.getContext.subject, payload);
    expect(answer.code).toBe(ErrorCode.ValidationFailed);
  });

  it('caps listContexts at 1000 ids', async () => {
    const userIds = Array.from({ length: 1001 }, (_, i) => i + 1);
    expect((await failureOf(client, InvitationsSubjects.listContexts, { userIds })).code).toBe(
      ErrorCode.ValidationFailed,
    );
    expect((await raw.failureOf(InvitationsSubjects.listContexts.subject, { userIds })).code).toBe(
      ErrorCode.ValidationFailed,
    );
  });

  it('is ready when Postgres and NATS are reachable', async () => {
    const ready = await fetch(`${service.healthUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, bus: { status: 'up' } },
    });
  });
});
