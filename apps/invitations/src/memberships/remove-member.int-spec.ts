import { jetstream, JsMsg } from '@nats-io/jetstream';
import { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  ErrorCode,
  IdentitySubjects,
  InvitationsEvents,
  InvitationsSubjects,
  MemberRemovedEvent,
} from '@app/contracts';
import { BusClient } from '@app/bus';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infra';
import { TestNatsServer } from '../../../../test/support/nats-server';
import { connectAs, connectAsObserver, RawBus } from '../../../../test/support/raw-bus';
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
import { CANNOT_REMOVE_SELF, MEMBER_NOT_FOUND, NOT_ACTIVE_ORGANIZATION } from './remove-member.usecase';
import { NO_PERMISSION } from './memberships.access';

const OWNER = 1;
const MEMBER = 2;
const OTHER_MEMBER = 3;

describe('removing a member over the bus', () => {
  let database: TestDatabase;
  let nats: TestNatsServer;
  let service: RunningInvitations;
  let client: BusClient;
  let tables: TestTables;
  let subscriber: NatsConnection;
  let organizationId: number;

  beforeAll(async () => {
    database = await createTestDatabase('invitations');
    nats = await TestNatsServer.start();
    service = await startInvitations(testConfig(database.url, nats));
    client = await connectClient(nats);
    tables = await TestTables.open(database.url);
    subscriber = await connectAsObserver(nats);
  });

  afterAll(async () => {
    await subscriber?.drain();
    await client?.close();
    await service?.stop();
    await tables?.close();
    await nats?.dispose();
    await database?.drop();
  });

  beforeEach(async () => {
    await tables.truncate();
    for (const userId of [OWNER, MEMBER, OTHER_MEMBER]) {
      const { activeOrganization } = await client.request(
        InvitationsSubjects.ensureMembership,
        membershipRequest({ userId }),
      );
      organizationId = activeOrganization!.id;
    }
  });

  const remove = (userId: number, caller: number = OWNER, organization = organizationId) =>
    client.request(InvitationsSubjects.removeMember, { organizationId: organization, userId }, { caller });
  const refusal = (userId: number, caller: number = OWNER, organization = organizationId) =>
    failureOf(client, InvitationsSubjects.removeMember, { organizationId: organization, userId }, caller);
  const activeOrganizationOf = async (userId: number) =>
    (await client.request(InvitationsSubjects.getContext, { userId })).activeOrganization?.id ?? null;

  it('soft-deletes the member: the row stays, marked deleted, and they have no active organization left', async () => {
    await expect(remove(MEMBER)).resolves.toEqual({ remainingActiveMemberships: 0 });

    const member = await client.request(InvitationsSubjects.getMember, { organizationId, userId: MEMBER });
    expect(member.deletedAt).toEqual(expect.stringMatching(/Z$/));
    expect(await activeOrganizationOf(MEMBER)).toBeNull();
    expect(await activeOrganizationOf(OTHER_MEMBER)).toBe(organizationId);
  });

  it('moves the active organization to another one the member is still active in', async () => {
    const left = await tables.insertOrganization({ title: 'Left' });
    const other = await tables.insertOrganization({ title: 'Other' });
    await tables.insertMembership(left.id, MEMBER, true);
    await tables.insertMembership(other.id, MEMBER);

    await expect(remove(MEMBER)).resolves.toEqual({ remainingActiveMemberships: 1 });

    expect(await activeOrganizationOf(MEMBER)).toBe(other.id);
  });

  it('publishes the removal durably on the INVITATIONS stream and audits it', async () => {
    await remove(MEMBER);

    const event = await eventually(async () => {
      const consumer = await jetstream(subscriber).consumers.get(InvitationsEvents.stream.name);
      const message: JsMsg | null = await consumer.next({ expires: 1_000 });
      return message ? { subject: message.subject, payload: message.json<MemberRemovedEvent>() } : undefined;
    });
    expect(event).toEqual({
      subject: InvitationsEvents.memberRemoved.subject,
      payload: {
        organizationId,
        userId: MEMBER,
        removedBy: OWNER,
        remainingActiveMemberships: 0,
        occurredAt: expect.stringMatching(/Z$/),
      },
    });
    expect(
      await tables.rows(
        "SELECT actor, subject_user_id, details FROM audit_log WHERE action = 'member.removed'",
      ),
    ).toEqual([
      {
        actor: String(OWNER),
        subject_user_id: MEMBER,
        details: { organizationId, remainingActiveMemberships: 0 },
      },
    ]);
  });

  describe("checks in Label Studio's order", () => {
    it('1. refuses a caller who owns no organization, even for a member that does not exist', async () => {
      expect(await refusal(OTHER_MEMBER, MEMBER)).toEqual({
        code: ErrorCode.Forbidden,
        message: NO_PERMISSION,
      });
      expect(await refusal(999, MEMBER)).toEqual({ code: ErrorCode.Forbidden, message: NO_PERMISSION });
      expect(await refusal(MEMBER, MEMBER)).toEqual({ code: ErrorCode.Forbidden, message: NO_PERMISSION });
    });

    it('1. refuses an owner who is not an active member of the organization', async () => {
      const other = await tables.insertOrganization();
      await tables.insertMembership(other.id, MEMBER);

      expect(await refusal(MEMBER, OWNER, other.id)).toEqual({
        code: ErrorCode.Forbidden,
        message: NO_PERMISSION,
      });
      expect(await refusal(MEMBER, OWNER, 999)).toEqual({
        code: ErrorCode.Forbidden,
        message: NO_PERMISSION,
      });
    });

    it('2. refuses an owner acting outside their active organization', async () => {
      const other = await tables.insertOrganization();
      await tables.insertMembership(other.id, OWNER);
      await tables.insertMembership(other.id, MEMBER);

      expect(await refusal(MEMBER, OWNER, other.id)).toEqual({
        code: ErrorCode.Forbidden,
        message: NOT_ACTIVE_ORGANIZATION,
      });
      expect(await refusal(999, OWNER, other.id)).toEqual({
        code: ErrorCode.Forbidden,
        message: NOT_ACTIVE_ORGANIZATION,
      });
    });

    it('3. answers "Member not found" for a missing or already removed member', async () => {
      expect(await refusal(999)).toEqual({ code: ErrorCode.NotFound, message: MEMBER_NOT_FOUND });
      await remove(MEMBER);
      expect(await refusal(MEMBER)).toEqual({ code: ErrorCode.NotFound, message: MEMBER_NOT_FOUND });
    });

    it('4. refuses to remove oneself with METHOD_NOT_ALLOWED', async () => {
      expect(await refusal(OWNER)).toEqual({ code: ErrorCode.MethodNotAllowed, message: CANNOT_REMOVE_SELF });
      expect(await activeOrganizationOf(OWNER)).toBe(organizationId);
    });
  });

  it("removes no one without a caller, nor for an 'admin' caller header, nor at the operator's request", async () => {
    const withoutCaller = await failureOf(client, InvitationsSubjects.removeMember, {
      organizationId,
      userId: MEMBER,
    });
    expect(withoutCaller.code).toBe(ErrorCode.Forbidden);
    const gateway = await RawBus.connect(nats, 'gateway');
    const admin = await RawBus.connect(nats, 'admin');
    const operator = await connectClient(nats, 'admin');
    try {
      // There is no 'admin' caller any more: the header is a user id or nothing.
      const asAdmin = await gateway.failureOf(
        InvitationsSubjects.removeMember.subject,
        { organizationId, userId: MEMBER },
        { caller: 'admin' },
      );
      expect(asAdmin).toMatchObject({ code: ErrorCode.Forbidden, message: NO_PERMISSION });
      // Removing members is not an operator message: the admin app may not send it at all.
      const byOperator = await failureOf(operator, InvitationsSubjects.removeMember, {
        organizationId,
        userId: OWNER,
      });
      expect(byOperator.code).toBe(ErrorCode.Internal);
      const throughNats = await admin.failureOf(InvitationsSubjects.removeMember.subject, {
        organizationId,
        userId: OWNER,
      });
      expect(throughNats.code).toBe('PERMISSIONS_VIOLATION');
    } finally {
      await Promise.all([gateway.close(), admin.close(), operator.close()]);
    }
    for (const userId of [OWNER, MEMBER]) {
      const member = await client.request(InvitationsSubjects.getMember, { organizationId, userId });
      expect(member.deletedAt).toBeNull();
    }
    expect(await tables.countEvents()).toBe(0);
  });

  describe('a member left without an organization', () => {
    let identity: NatsConnection | undefined;
    let responder: Subscription | undefined;

    afterEach(async () => {
      responder?.unsubscribe();
      await identity?.drain();
      identity = undefined;
      responder = undefined;
    });

    /** Stands in for identity: records each deactivation it is asked for, and answers it. */
    async function identityAnswering(): Promise<unknown[]> {
      const asked: unknown[] = [];
      identity = await connectAs(nats, 'identity');
      responder = identity.subscribe(IdentitySubjects.deactivateRemovedMember.subject, {
        callback: (_error, message) => {
          const packet = message.json<{ id?: string; data?: unknown }>();
          asked.push(packet.data);
          message.respond(JSON.stringify({ id: packet.id, response: {}, isDisposed: true }));
        },
      });
      await identity.flush();
      return asked;
    }

    it('is deactivated by identity before the removal is answered', async () => {
      const asked = await identityAnswering();

      await expect(remove(MEMBER)).resolves.toEqual({ remainingActiveMemberships: 0 });

      expect(asked).toEqual([{ userId: MEMBER, removedBy: OWNER }]);
    });

    it('is not: a member still active elsewhere', async () => {
      const other = await tables.insertOrganization();
      await tables.insertMembership(other.id, MEMBER);
      const asked = await identityAnswering();

      await expect(remove(MEMBER)).resolves.toEqual({ remainingActiveMemberships: 1 });

      expect(asked).toEqual([]);
    });

    it('is removed all the same while identity is unreachable (its durable event deactivates later)', async () => {
      await expect(remove(MEMBER)).resolves.toEqual({ remainingActiveMemberships: 0 });

      const member = await client.request(InvitationsSubjects.getMember, { organizationId, userId: MEMBER });
      expect(member.deletedAt).not.toBeNull();
      expect(await tables.countEvents()).toBe(1);
    });
  });

  it('removes a member once when two removals race', async () => {
    const outcomes = await Promise.allSettled([remove(MEMBER), remove(MEMBER), remove(MEMBER)]);

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(await tables.countEvents()).toBe(1);
  });
});
