import { ErrorCode, InvitationsSubjects } from '@app/contracts';
import { BusClient } from '@app/bus';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infra';
import { TestNatsServer } from '../../../../test/support/nats-server';
import { membershipRequest } from '../../test/factories';
import {
  connectClient,
  failureOf,
  RunningInvitations,
  startInvitations,
  TestTables,
  testConfig,
} from '../../test/invitations-test-service';
import { INVALID_INVITE_LINK, SIGNUP_ONLY_WITH_LINK } from './signup-policy';

describe('authorizeSignup over the bus', () => {
  let database: TestDatabase;
  let nats: TestNatsServer;
  let client: BusClient;
  let tables: TestTables;
  let service: RunningInvitations | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('invitations');
    nats = await TestNatsServer.start();
    client = await connectClient(nats);
  });

  afterAll(async () => {
    await client?.close();
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

  const authorize = (inviteToken?: string) =>
    client.request(InvitationsSubjects.authorizeSignup, { inviteToken });
  const refusal = (inviteToken?: string) =>
    failureOf(client, InvitationsSubjects.authorizeSignup, { inviteToken });
  const forbidden = (message: string) => ({ code: ErrorCode.SignupForbidden, message });

  async function organizationWithToken(userId: number): Promise<{ id: number; token: string }> {
    const { activeOrganization } = await client.request(
      InvitationsSubjects.ensureMembership,
      membershipRequest({ userId }),
    );
    const [row] = await tables.rows<{ id: number; token: string }>(
      'SELECT id, token FROM organization WHERE id = $1',
      [activeOrganization!.id],
    );
    return row;
  }

  describe('with signup open', () => {
    beforeAll(() => runWith(false));

    it('lets the very first account found the organization', async () => {
      await expect(authorize()).resolves.toEqual({ organizationId: null });
    });

    it('sends a signup without a link to the first organization', async () => {
      const first = await organizationWithToken(1);
      await expect(authorize()).resolves.toEqual({ organizationId: first.id });
    });

    it('sends a signup with a link to the organization of the link', async () => {
      const first = await organizationWithToken(1);
      await expect(authorize(first.token)).resolves.toEqual({ organizationId: first.id });
    });

    it('refuses a link that is not valid, so a reset link stops working', async () => {
      const first = await organizationWithToken(1);
      const wrongCase =
        first.token.toLowerCase() === first.token ? first.token.toUpperCase() : first.token.toLowerCase();

      await expect(refusal('x'.repeat(40))).resolves.toEqual(forbidden(INVALID_INVITE_LINK));
      await expect(refusal(wrongCase)).resolves.toEqual(forbidden(INVALID_INVITE_LINK));
      await expect(refusal(`${first.token}\n`)).resolves.toEqual(forbidden(INVALID_INVITE_LINK));
      await expect(refusal('t'.repeat(10_000))).resolves.toEqual(forbidden(INVALID_INVITE_LINK));
    });
  });

  describe('with signup restricted to invitation links', () => {
    beforeAll(() => runWith(true));

    it('lets nobody sign up on an empty database', async () => {
      await expect(refusal()).resolves.toEqual(forbidden(SIGNUP_ONLY_WITH_LINK));
      await expect(refusal('x'.repeat(40))).resolves.toEqual(forbidden(SIGNUP_ONLY_WITH_LINK));
    });

    it('requires a link', async () => {
      await organizationWithToken(1);
      await expect(refusal()).resolves.toEqual(forbidden(SIGNUP_ONLY_WITH_LINK));
      await expect(refusal('')).resolves.toEqual(forbidden(SIGNUP_ONLY_WITH_LINK));
    });

    it('accepts the link of an organization and selects that organization', async () => {
      const first = await organizationWithToken(1);
      await expect(authorize(first.token)).resolves.toEqual({ organizationId: first.id });
    });

    it('refuses a link of no organization', async () => {
      await organizationWithToken(1);
      await expect(refusal('x'.repeat(40))).resolves.toEqual(forbidden(SIGNUP_ONLY_WITH_LINK));
    });
  });

  it('answers VALIDATION_FAILED for a payload that is not an object', async () => {
    const failure = await failureOf(
      client,
      InvitationsSubjects.authorizeSignup,
      'token' as unknown as { inviteToken: string },
    );
    expect(failure.code).toBe(ErrorCode.ValidationFailed);
  });
});
