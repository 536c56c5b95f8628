import { NatsConnection } from '@nats-io/transport-node';
import { IdentityEvents, InvitationsSubjects, UserDeletedEvent, UserRegisteredEvent } from '@app/contracts';
import { BusClient, ensureStream, publishEvent } from '@app/bus';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infra';
import { TestNatsServer } from '../../../../test/support/nats-server';
import { connectAs, publishUnchecked } from '../../../../test/support/raw-bus';
import { userRegistered } from '../../test/factories';
import {
  connectClient,
  eventually,
  RunningInvitations,
  startInvitations,
  TestTables,
  testConfig,
} from '../../test/invitations-test-service';

describe('identity events consumer', () => {
  let database: TestDatabase;
  let nats: TestNatsServer;
  let publisher: NatsConnection;
  let client: BusClient;
  let tables: TestTables;
  let service: RunningInvitations | undefined;
  let messageNumber = 0;

  beforeAll(async () => {
    database = await createTestDatabase('invitations');
    nats = await TestNatsServer.start();
    // Publishes as identity does, with its credentials: it owns the stream.
    publisher = await connectAs(nats, 'identity');
    await ensureStream(publisher, IdentityEvents.stream);
    client = await connectClient(nats);
  });

  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await publisher?.drain();
    await tables?.close();
    await nats?.dispose();
    await database?.drop();
  });

  /** Every publish gets its own message id: a repeat is a second delivery, not a deduplicated one. */
  const publishRegistered = (event: UserRegisteredEvent) =>
    publishEvent(
      publisher,
      nats.settingsFor('identity'),
      IdentityEvents.userRegistered,
      event,
      `test-${++messageNumber}`,
    );
  const publishDeleted = (event: UserDeletedEvent) =>
    publishEvent(
      publisher,
      nats.settingsFor('identity'),
      IdentityEvents.userDeleted,
      event,
      `test-${++messageNumber}`,
    );

  const activeOrganizationOf = async (userId: number) =>
    (await client.request(InvitationsSubjects.getContext, { userId })).activeOrganization ?? undefined;

  const start = async () => {
    service = await startInvitations(testConfig(database.url, nats));
    tables ??= await TestTables.open(database.url);
  };

  it('catches up on registrations published while the service was down', async () => {
    await publishRegistered(userRegistered({ userId: 1, email: 'founder@example.com' }));
    await publishRegistered(userRegistered({ userId: 2 }));

    await start();

    const second = await eventually(() => activeOrganizationOf(2));
    expect(second).toEqual({
      id: expect.any(Number),
      title: 'Label Studio',
      ownerEmail: 'founder@example.com',
    });
    expect(await activeOrganizationOf(1)).toEqual(second);
    expect(await tables.count('organization')).toBe(1);
  });

  it('changes nothing when the same registration is delivered again', async () => {
    const before = await tables.rows('SELECT * FROM organization_member ORDER BY id');
    const contextsBefore = await tables.rows('SELECT * FROM user_context ORDER BY user_id');

    await publishRegistered(userRegistered({ userId: 1, email: 'founder@example.com' }));
    // Handled in order by the one durable consumer: once user 3 is in, the repeat was processed.
    await publishRegistered(userRegistered({ userId: 3 }));
    await eventually(() => activeOrganizationOf(3));

    expect(await tables.rows('SELECT * FROM organization_member WHERE user_id <> 3 ORDER BY id')).toEqual(
      before,
    );
    expect(await tables.rows('SELECT * FROM user_context WHERE user_id <> 3 ORDER BY user_id')).toEqual(
      contextsBefore,
    );
    expect(await tables.count('organization')).toBe(1);
  });

  it('keeps an account made by POST /api/users/ without an active organization', async () => {
    const organization = await eventually(() => activeOrganizationOf(1));
    await publishRegistered(
      userRegistered({ userId: 4, organizationId: organization.id, setActiveOrganization: false }),
    );

    const member = await eventually(() =>
      client.request(InvitationsSubjects.getMember, { organizationId: organization.id, userId: 4 }),
    );
    expect(member.deletedAt).toBeNull();
    expect(await activeOrganizationOf(4)).toBeUndefined();
  });

  it('forgets a deleted user, also when its deletion arrives while the service is down', async () => {
    const organization = await eventually(() => activeOrganizationOf(1));
    await service?.stop();
    service = undefined;

    await publishDeleted({ userId: 1, occurredAt: new Date().toISOString() });
    await start();

    await eventually(async () => ((await activeOrganizationOf(1)) ? undefined : true));
    const members = await client.request(InvitationsSubjects.listMembers, {
      organizationId: organization.id,
    });
    expect(members.map((m) => m.userId)).toEqual([2, 3, 4]);
    expect(await activeOrganizationOf(2)).toEqual({ ...organization, ownerEmail: '' });
  });

  it('does not bring back a deleted user whose registration is delivered late', async () => {
    await publishDeleted({ userId: 5, occurredAt: new Date().toISOString() });
    await eventually(async () => ((await tables.count('removed_user')) === 2 ? true : undefined));

    await publishRegistered(userRegistered({ userId: 5 }));
    await publishRegistered(userRegistered({ userId: 6 }));
    await eventually(() => activeOrganizationOf(6));

    expect(await activeOrganizationOf(5)).toBeUndefined();
    expect(await tables.rows('SELECT user_id FROM organization_member WHERE user_id = 5')).toEqual([]);
  });

  it('acknowledges a malformed event instead of retrying it forever', async () => {
    // publishEvent refuses it; a publisher with a bug of its own might not.
    await publishUnchecked(
      publisher,
      nats,
      'identity',
      IdentityEvents.userRegistered.subject,
      { userId: 'seven' },
      `test-${++messageNumber}`,
    );
    await publishRegistered(userRegistered({ userId: 7 }));

    await eventually(() => activeOrganizationOf(7));
  });
});
