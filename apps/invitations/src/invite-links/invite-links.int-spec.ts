import { ErrorCode, InvitationsSubjects } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infra';
import { TestNatsServer } from '../../../../test/support/nats-server';
import { RawBus } from '../../../../test/support/raw-bus';
import { membershipRequest } from '../../test/factories';
import {
  connectClient,
  failureOf,
  RunningInvitations,
  startInvitations,
  TestTables,
  testConfig,
} from '../../test/invitations-test-service';
import { INVALID_INVITE_LINK, SIGNUP_ONLY_WITH_LINK } from '../signup/signup-policy';

const OWNER = 1;
const NO_PERMISSION = 'You do not have permission to perform this action.';

describe('invite links over the bus', () => {
  let database: TestDatabase;
  let nats: TestNatsServer;
  let client: BusClient;
  let operator: BusClient;
  let tables: TestTables;
  let service: RunningInvitations | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('invitations');
    nats = await TestNatsServer.start();
    client = await connectClient(nats);
    operator = await connectClient(nats, 'admin');
  });

  afterAll(async () => {
    await client?.close();
    await operator?.close();
    await service?.stop();
    await tables?.close();
    await nats?.dispose();
    await database?.drop();
  });

  /** One service at a time: two on one NATS would share the queue and answer by turns. */
  async function runWith(disableSignupWithoutLink: boolean): Promise<void> {
    await service?.stop();
    service = await startInvitations(testConfig(database.url, nats, { disableSignupWithoutLink }));
    tables ??= await TestTables.open(database.url);
  }

  beforeEach(() => tables?.truncate());

  /** The first signup founds "Label Studio" and owns it. */
  async function foundOrganization(): Promise<number> {
    const { activeOrganization } = await client.request(
      InvitationsSubjects.ensureMembership,
      membershipRequest({ userId: OWNER }),
    );
    return activeOrganization!.id;
  }

  const getLink = (payload: { userId?: number; organizationId?: number }, caller?: number) =>
    client.request(InvitationsSubjects.getInviteLink, payload, { caller });
  const resetLink = (payload: { userId?: number; organizationId?: number }, caller?: number) =>
    client.request(InvitationsSubjects.resetInviteLink, payload, { caller });
  /** The operator's `invite_link`: any organization's link, or the first organization's. */
  const operatorGetLink = (payload: { organizationId?: number }) =>
    operator.request(InvitationsSubjects.operatorGetInviteLink, payload);
  const operatorResetLink = (payload: { organizationId?: number }) =>
    operator.request(InvitationsSubjects.operatorResetInviteLink, payload);
  const authorize = (inviteToken?: string) =>
    client.request(InvitationsSubjects.authorizeSignup, { inviteToken });
  const codeOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return 'OK';
    } catch (error) {
      if (error instanceof BusError) return error.code;
      throw error;
    }
  };

  describe('with signup open', () => {
    beforeAll(() => runWith(false));

    it("gives a user their active organization's link", async () => {
      const organizationId = await foundOrganization();
      const [row] = await tables.rows<{ token: string }>('SELECT token FROM organization');

      await expect(getLink({ userId: OWNER }, OWNER)).resolves.toEqual({ organizationId, token: row.token });
      await expect(operatorGetLink({ organizationId })).resolves.toEqual({
        organizationId,
        token: row.token,
      });
    });

    it('gives the operator the first organization when no organization is named', async () => {
      const organizationId = await foundOrganization();
      await tables.insertOrganization();

      await expect(operatorGetLink({})).resolves.toMatchObject({ organizationId });
    });

    it("refuses another user's link, a call without a caller, and a user's call without an organization", async () => {
      await foundOrganization();

      expect(await failureOf(client, InvitationsSubjects.getInviteLink, { userId: OWNER }, 2)).toEqual({
        code: ErrorCode.Forbidden,
        message: NO_PERMISSION,
      });
      expect((await failureOf(client, InvitationsSubjects.getInviteLink, { userId: OWNER })).code).toBe(
        ErrorCode.Forbidden,
      );
      expect((await failureOf(client, InvitationsSubjects.getInviteLink, {}, OWNER)).code).toBe(
        ErrorCode.Forbidden,
      );
      expect((await failureOf(client, InvitationsSubjects.resetInviteLink, { userId: OWNER }, 2)).code).toBe(
        ErrorCode.Forbidden,
      );
    });

    it("treats an 'admin' caller header from the gateway as no caller, and keeps the operator's subjects from it", async () => {
      const organizationId = await foundOrganization();
      const gateway = await RawBus.connect(nats, 'gateway');
      try {
        for (const subject of [
          InvitationsSubjects.getInviteLink.subject,
          InvitationsSubjects.resetInviteLink.subject,
        ]) {
          const failure = await gateway.failureOf(subject, { userId: OWNER }, { caller: 'admin' });
          expect(failure).toMatchObject({ code: ErrorCode.Forbidden, message: NO_PERMISSION });
        }
        const refused = await gateway.failureOf(InvitationsSubjects.operatorGetInviteLink.subject, {
          organizationId,
        });
        expect(refused.code).toBe('PERMISSIONS_VIOLATION');
      } finally {
        await gateway.close();
      }
      expect(
        (await failureOf(client, InvitationsSubjects.operatorGetInviteLink, { organizationId })).code,
      ).toBe(ErrorCode.Internal);
      expect(await tables.rows("SELECT * FROM audit_log WHERE action = 'invite.reset'")).toEqual([]);
    });

    it('names an organization explicitly only for its active members', async () => {
      const organizationId = await foundOrganization();
      const other = await tables.insertOrganization();

      await expect(getLink({ organizationId }, OWNER)).resolves.toMatchObject({ organizationId });
      await expect(operatorGetLink({ organizationId: other.id })).resolves.toEqual({
        organizationId: other.id,
        token: other.token,
      });
      expect(
        (await failureOf(client, InvitationsSubjects.getInviteLink, { organizationId: other.id }, OWNER))
          .code,
      ).toBe(ErrorCode.Forbidden);
      expect(
        (await failureOf(operator, InvitationsSubjects.operatorGetInviteLink, { organizationId: 999 })).code,
      ).toBe(ErrorCode.NotFound);
    });

    it('answers NOT_FOUND when there is no organization', async () => {
      expect((await failureOf(client, InvitationsSubjects.getInviteLink, { userId: 5 }, 5)).code).toBe(
        ErrorCode.NotFound,
      );
      expect((await failureOf(operator, InvitationsSubjects.operatorResetInviteLink, {})).code).toBe(
        ErrorCode.NotFound,
      );
    });

    it('resets to a new 40-character token; the old link is refused at once, the new one works', async () => {
      const organizationId = await foundOrganization();
      const before = await getLink({ userId: OWNER }, OWNER);

      const after = await resetLink({ userId: OWNER }, OWNER);

      expect(after.organizationId).toBe(organizationId);
      expect(after.token).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(after.token).not.toBe(before.token);
      await expect(getLink({ userId: OWNER }, OWNER)).resolves.toEqual(after);
      expect(
        await failureOf(client, InvitationsSubjects.authorizeSignup, { inviteToken: before.token }),
      ).toEqual({
        code: ErrorCode.SignupForbidden,
        message: INVALID_INVITE_LINK,
      });
      await expect(authorize(after.token)).resolves.toEqual({ organizationId });
      // The quirk: with signup open, leaving the link out still gets in.
      await expect(authorize()).resolves.toEqual({ organizationId });
    });

    it('records who reset which link and when, never the token', async () => {
      const organizationId = await foundOrganization();
      const { token } = await resetLink({ userId: OWNER }, OWNER);

      const entries = await tables.rows<{ actor: string; details: object; created_at: Date }>(
        "SELECT actor, details, created_at FROM audit_log WHERE action = 'invite.reset'",
      );
      expect(entries).toEqual([
        { actor: String(OWNER), details: { organizationId }, created_at: expect.any(Date) },
      ]);
      expect(JSON.stringify(await tables.rows('SELECT * FROM audit_log'))).not.toContain(token);
    });

    it('refuses a membership with a link that was reset after the signup was authorized', async () => {
      const organizationId = await foundOrganization();
      const { token: old } = await getLink({ userId: OWNER }, OWNER);
      await expect(authorize(old)).resolves.toEqual({ organizationId });
      await resetLink({ userId: OWNER }, OWNER);

      const failure = await failureOf(
        client,
        InvitationsSubjects.ensureMembership,
        membershipRequest({ userId: 2, organizationId, inviteToken: old }),
      );

      expect(failure).toEqual({ code: ErrorCode.SignupForbidden, message: INVALID_INVITE_LINK });
      expect(await tables.rows('SELECT * FROM organization_member WHERE user_id = 2')).toEqual([]);
      expect(await tables.rows('SELECT * FROM user_context WHERE user_id = 2')).toEqual([]);
      expect(
        await tables.rows<{ action: string; subject_user_id: number; details: object }>(
          "SELECT action, subject_user_id, details FROM audit_log WHERE action LIKE 'signup%'",
        ),
      ).toEqual([
        { action: 'signup', subject_user_id: OWNER, details: { organizationId, viaInvite: false } },
        {
          action: 'signup.refused',
          subject_user_id: 2,
          details: { organizationId, viaInvite: true, reason: 'invite link no longer valid' },
        },
      ]);
    });

    it('adds a membership with the current link and audits the signup as via invite', async () => {
      const organizationId = await foundOrganization();
      const { token } = await getLink({ userId: OWNER }, OWNER);

      const context = await client.request(
        InvitationsSubjects.ensureMembership,
        membershipRequest({ userId: 2, organizationId, inviteToken: token }),
      );

      expect(context.activeOrganization?.id).toBe(organizationId);
      const [entry] = await tables.rows<{ details: object }>(
        "SELECT details FROM audit_log WHERE action = 'signup' AND subject_user_id = 2",
      );
      expect(entry.details).toEqual({ organizationId, viaInvite: true });
    });

    describe('signup tickets', () => {
      const issue = (inviteToken?: string) =>
        client.request(InvitationsSubjects.issueSignupTicket, { inviteToken });
      const claim = (userId: number, ticket: string, organizationId: number | null = null) =>
        client.request(
          InvitationsSubjects.ensureMembership,
          membershipRequest({ userId, organizationId, ticket }),
        );
      const refusalEvents = () =>
        tables.rows<{ payload: { userId: number; ticket: string } }>(
          "SELECT payload FROM outbox WHERE subject = 'invitations.events.signup.refused.v1'",
        );

      it("joins the ticket's organization once, and a repeat by the same account changes nothing", async () => {
        const organizationId = await foundOrganization();
        const { token } = await getLink({ userId: OWNER }, OWNER);
        const { ticket, organizationId: decided } = await issue(token);
        expect(decided).toBe(organizationId);

        // The organization named in the request is not what decides: the ticket's is.
        const first = await claim(2, ticket, 999);
        const again = await claim(2, ticket, 999);

        expect(first.activeOrganization?.id).toBe(organizationId);
        expect(again).toEqual(first);
        expect(await tables.rows('SELECT user_id FROM organization_member WHERE user_id = 2')).toHaveLength(
          1,
        );
        expect(await tables.rows('SELECT state, user_id FROM signup_ticket WHERE id = $1', [ticket])).toEqual(
          [{ state: 'claimed', user_id: 2 }],
        );
        expect(await refusalEvents()).toEqual([]);
      });

      it('refuses a second account with a claimed ticket, and records the refusal for identity', async () => {
        await foundOrganization();
        const { ticket } = await issue();
        await claim(2, ticket);

        expect(
          (
            await failureOf(
              client,
              InvitationsSubjects.ensureMembership,
              membershipRequest({ userId: 3, ticket }),
            )
          ).code,
        ).toBe(ErrorCode.SignupForbidden);
        expect(await tables.rows('SELECT user_id FROM organization_member WHERE user_id = 3')).toEqual([]);
        expect((await refusalEvents()).map((e) => e.payload)).toEqual([
          expect.objectContaining({ userId: 3, ticket }),
        ]);
      });

      it('refuses a ticket whose link was reset before the claim, durably and only once', async () => {
        const organizationId = await foundOrganization();
        const { token: old } = await getLink({ userId: OWNER }, OWNER);
        const { ticket } = await issue(old);
        await resetLink({ userId: OWNER }, OWNER);

        const failure = await failureOf(
          client,
          InvitationsSubjects.ensureMembership,
          membershipRequest({ userId: 2, organizationId, ticket }),
        );
        // The registration event arrives too: the same answer, no second refusal event.
        const repeat = await failureOf(
          client,
          InvitationsSubjects.ensureMembership,
          membershipRequest({ userId: 2, organizationId, ticket }),
        );

        expect(failure).toEqual({ code: ErrorCode.SignupForbidden, message: INVALID_INVITE_LINK });
        expect(repeat).toEqual(failure);
        expect(await tables.rows('SELECT * FROM organization_member WHERE user_id = 2')).toEqual([]);
        expect(await tables.rows('SELECT state, user_id FROM signup_ticket WHERE id = $1', [ticket])).toEqual(
          [{ state: 'refused', user_id: 2 }],
        );
        expect((await refusalEvents()).map((e) => e.payload)).toEqual([
          expect.objectContaining({ userId: 2, ticket }),
        ]);
      });

      it('refuses an unknown ticket', async () => {
        await foundOrganization();
        const ticket = '00000000-0000-4000-8000-000000000000';
        expect(
          (
            await failureOf(
              client,
              InvitationsSubjects.ensureMembership,
              membershipRequest({ userId: 2, ticket }),
            )
          ).code,
        ).toBe(ErrorCode.SignupForbidden);
        expect(await tables.rows('SELECT * FROM organization_member WHERE user_id = 2')).toEqual([]);
      });

      it('founds the first organization for the first ticket on an empty system', async () => {
        const { ticket, organizationId } = await issue();
        expect(organizationId).toBeNull();
        const context = await claim(OWNER, ticket);
        const [organization] = await tables.rows<{ id: number; created_by_id: number }>(
          'SELECT id, created_by_id FROM organization',
        );
        expect(context.activeOrganization?.id).toBe(organization.id);
        expect(organization.created_by_id).toBe(OWNER);
      });
    });

    it('lets every signup racing a reset either complete before the reset or be refused', async () => {
      const organizationId = await foundOrganization();
      const { token: old } = await getLink({ userId: OWNER }, OWNER);
      const userIds = Array.from({ length: 20 }, (_, i) => 100 + i);
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

      // Staggered so that the reset lands in the middle: share locks held back to back would keep
      // the reset waiting until the last of them ends (and every signup would come first).
      const [outcomes] = await Promise.all([
        Promise.all(
          userIds.map(async (userId, i) => {
            await pause(i * 15);
            const outcome = await codeOf(
              client.request(
                InvitationsSubjects.ensureMembership,
                membershipRequest({ userId, organizationId, inviteToken: old }),
              ),
            );
            return { userId, outcome };
          }),
        ),
        pause(140).then(() => resetLink({ userId: OWNER }, OWNER)),
      ]);

      const [reset] = await tables.rows<{ at: Date }>(
        "SELECT created_at AS at FROM audit_log WHERE action = 'invite.reset'",
      );
      const members = new Map(
        (
          await tables.rows<{ user_id: number; created_at: Date }>(
            'SELECT user_id, created_at FROM organization_member WHERE user_id >= 100',
          )
        ).map((row) => [row.user_id, row.created_at]),
      );
      const refusals = new Map(
        (
          await tables.rows<{ subject_user_id: number; created_at: Date }>(
            "SELECT subject_user_id, created_at FROM audit_log WHERE action = 'signup.refused'",
          )
        ).map((row) => [row.subject_user_id, row.created_at]),
      );
      for (const { userId, outcome } of outcomes) {
        expect([userId, outcome]).toEqual([userId, expect.stringMatching(/^(OK|SIGNUP_FORBIDDEN)$/)]);
        if (outcome === 'OK') {
          // Its transaction began (and, holding the share lock, committed) before the reset got the row.
          expect(members.get(userId)!.getTime()).toBeLessThan(reset.at.getTime());
          expect(refusals.has(userId)).toBe(false);
        } else {
          expect(members.has(userId)).toBe(false);
          expect(refusals.get(userId)!.getTime()).toBeGreaterThan(reset.at.getTime());
        }
      }
      const succeeded = outcomes.filter((o) => o.outcome === 'OK').length;
      expect(members.size).toBe(succeeded);
    });
  });

  describe('with signup restricted to invitation links', () => {
    beforeAll(() => runWith(true));

    it('keeps people with the old link out after a reset, and lets the new link in', async () => {
      const organizationId = await foundOrganization();
      const { token: old } = await getLink({ userId: OWNER }, OWNER);
      const { token: fresh } = await operatorResetLink({ organizationId });

      expect(await failureOf(client, InvitationsSubjects.authorizeSignup, { inviteToken: old })).toEqual({
        code: ErrorCode.SignupForbidden,
        message: SIGNUP_ONLY_WITH_LINK,
      });
      expect((await failureOf(client, InvitationsSubjects.authorizeSignup, {})).code).toBe(
        ErrorCode.SignupForbidden,
      );
      await expect(authorize(fresh)).resolves.toEqual({ organizationId });
      expect(
        await failureOf(
          client,
          InvitationsSubjects.ensureMembership,
          membershipRequest({ userId: 2, organizationId, inviteToken: old }),
        ),
      ).toEqual({ code: ErrorCode.SignupForbidden, message: SIGNUP_ONLY_WITH_LINK });
      const [entry] = await tables.rows<{ actor: string }>(
        "SELECT actor FROM audit_log WHERE action = 'invite.reset'",
      );
      expect(entry.actor).toBe('admin');
    });
  });
});
