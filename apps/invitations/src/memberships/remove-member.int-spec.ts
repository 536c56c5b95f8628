import { connect, JsMsg, NatsConnection } from 'nats';
import { ErrorCode, InvitationsEvents, InvitationsSubjects, MemberRemovedEvent } from '@app/contracts';
import { BusClient } from '@app/bus';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infra';
import { TestNatsServer } from '../../../../test/support/nats-server';
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
    service = await startInvitations(testConfig(database.url, nats.url));
    client = await connectClient(nats.url);
    tables = await TestTables.open(database.url);
    subscriber = await connect({ servers: nats.url });
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

  const remove = (userId: number, caller: number | 'admin' = OWNER, organization = organizationId) =>
    client.request(InvitationsSubjects.removeMember, { organizationId: organization, userId }, { caller });
  const refusal = (userId: number, caller: number | 'admin' = OWNER, organization = organizationId) =>
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
      const consumer = await subscriber.jetstream().consumers.get(InvitationsEvents.stream);
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

  it('lets the operator remove anyone, and no one without a caller', async () => {
    const withoutCaller = await failureOf(client, InvitationsSubjects.removeMember, {
      organizationId,
      userId: MEMBER,
    });
    expect(withoutCaller.code).toBe(ErrorCode.Forbidden);
    await expect(remove(OWNER, 'admin')).resolves.toEqual({ remainingActiveMemberships: 0 });
  });

  it('removes a member once when two removals race', async () => {
    const outcomes = await Promise.allSettled([remove(MEMBER), remove(MEMBER), remove(MEMBER)]);

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(await tables.count('outbox')).toBe(1);
  });
});
