import { ErrorCode, InvitationsSubjects, UpdateOrganizationRequest } from '@app/contracts';
import { BusClient } from '@app/bus';
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

const OWNER = 1;
const MEMBER = 2;

describe('organizations over the bus', () => {
  let database: TestDatabase;
  let nats: TestNatsServer;
  let service: RunningInvitations;
  let client: BusClient;
  let tables: TestTables;
  let organizationId: number;

  beforeAll(async () => {
    database = await createTestDatabase('invitations');
    nats = await TestNatsServer.start();
    service = await startInvitations(testConfig(database.url, nats));
    client = await connectClient(nats);
    tables = await TestTables.open(database.url);
  });

  afterAll(async () => {
    await client?.close();
    await service?.stop();
    await tables?.close();
    await nats?.dispose();
    await database?.drop();
  });

  beforeEach(async () => {
    await tables.truncate();
    const founded = await client.request(
      InvitationsSubjects.ensureMembership,
      membershipRequest({ userId: OWNER }),
    );
    organizationId = founded.activeOrganization!.id;
    await client.request(InvitationsSubjects.ensureMembership, membershipRequest({ userId: MEMBER }));
  });

  const update = (change: Omit<UpdateOrganizationRequest, 'organizationId'>, caller: number = OWNER) =>
    client.request(InvitationsSubjects.updateOrganization, { organizationId, ...change }, { caller });

  it("shows an organization with Label Studio's fields and every member id, removed ones included", async () => {
    await tables.insertMembership(organizationId, 3, true);
    const [row] = await tables.rows<{ token: string }>('SELECT token FROM organization');

    const organization = await client.request(
      InvitationsSubjects.getOrganization,
      { organizationId },
      { caller: MEMBER },
    );

    expect(organization).toEqual({
      id: organizationId,
      title: 'Label Studio',
      token: row.token,
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: expect.stringMatching(/Z$/),
      contactInfo: null,
      createdBy: OWNER,
      users: [OWNER, MEMBER, 3],
    });
  });

  it('answers NOT_FOUND for an unknown organization and FORBIDDEN for one the caller is not active in', async () => {
    const other = await tables.insertOrganization();
    await tables.insertMembership(other.id, MEMBER, true);

    expect(
      await failureOf(client, InvitationsSubjects.getOrganization, { organizationId: 999 }, OWNER),
    ).toEqual({
      code: ErrorCode.NotFound,
      message: 'No Organization matches the given query.',
    });
    expect(
      await failureOf(client, InvitationsSubjects.getOrganization, { organizationId: other.id }, MEMBER),
    ).toEqual({ code: ErrorCode.Forbidden, message: 'You do not have permission to perform this action.' });
    expect(
      (
        await failureOf(
          client,
          InvitationsSubjects.updateOrganization,
          { organizationId: other.id, title: 'x' },
          OWNER,
        )
      ).code,
    ).toBe(ErrorCode.Forbidden);
  });

  it('lists the organizations where the user is an active member', async () => {
    const other = await tables.insertOrganization({ title: 'Second' });
    const left = await tables.insertOrganization({ title: 'Left' });
    await tables.insertMembership(other.id, MEMBER);
    await tables.insertMembership(left.id, MEMBER, true);

    const listed = await client.request(
      InvitationsSubjects.listOrganizations,
      { userId: MEMBER },
      { caller: MEMBER },
    );

    expect(listed.map((o) => [o.id, o.title])).toEqual([
      [organizationId, 'Label Studio'],
      [other.id, 'Second'],
    ]);
    expect(
      (await failureOf(client, InvitationsSubjects.listOrganizations, { userId: MEMBER }, OWNER)).code,
    ).toBe(ErrorCode.Forbidden);
  });

  it('updates title, contact info and the invite token, and nothing else', async () => {
    const updated = await update({
      title: '  Acme labeling ',
      contactInfo: 'team@acme.example',
      token: 'my-own-token-of-22-chars',
      createdBy: 99,
      users: [],
    } as Omit<UpdateOrganizationRequest, 'organizationId'>);

    expect(updated).toMatchObject({
      title: 'Acme labeling',
      contactInfo: 'team@acme.example',
      token: 'my-own-token-of-22-chars',
      createdBy: OWNER,
      users: [OWNER, MEMBER],
    });
    await expect(
      client.request(InvitationsSubjects.authorizeSignup, { inviteToken: 'my-own-token-of-22-chars' }),
    ).resolves.toEqual({ organizationId });
    await expect(update({ contactInfo: null })).resolves.toMatchObject({ contactInfo: null });
    const [entry] = await tables.rows<{ actor: string; details: object }>(
      "SELECT actor, details FROM audit_log WHERE action = 'organization.update' ORDER BY id LIMIT 1",
    );
    expect(entry).toEqual({
      actor: String(OWNER),
      details: { organizationId, fields: 'title,contactInfo,token', inviteTokenChanged: true },
    });
  });

  it('answers an empty change with the organization as it is', async () => {
    const before = await client.request(InvitationsSubjects.getOrganization, { organizationId });

    await expect(update({})).resolves.toMatchObject({ title: before.title, token: before.token });
  });

  it('refuses an invite token another organization has, as a field error', async () => {
    const other = await tables.insertOrganization({ token: 'taken-token-of-22-characters' });

    expect(
      await failureOf(
        client,
        InvitationsSubjects.updateOrganization,
        { organizationId, token: other.token },
        OWNER,
      ),
    ).toEqual({ code: ErrorCode.Conflict, message: 'Validation error' });
  });

  it.each([
    ['an empty title', { title: '   ' }],
    ['a title too long', { title: 'a'.repeat(1001) }],
    ['a contact that is not an email', { contactInfo: 'not-an-email' }],
    ['a token with a space', { token: 'a b' }],
    ['a token too long', { token: 'a'.repeat(257) }],
    ['a token shorter than 22 characters', { token: 'a'.repeat(21) }],
  ])('answers VALIDATION_FAILED for %s', async (_case, change) => {
    expect(
      (await failureOf(client, InvitationsSubjects.updateOrganization, { organizationId, ...change }, OWNER))
        .code,
    ).toBe(ErrorCode.ValidationFailed);
    // The service checks too, whatever a sender's client let through.
    const gateway = await RawBus.connect(nats, 'gateway');
    try {
      const answer = await gateway.failureOf(
        InvitationsSubjects.updateOrganization.subject,
        { organizationId, ...change },
        { caller: OWNER },
      );
      expect(answer.code).toBe(ErrorCode.ValidationFailed);
    } finally {
      await gateway.close();
    }
  });

  it('needs a caller to change an organization', async () => {
    expect(
      (await failureOf(client, InvitationsSubjects.updateOrganization, { organizationId, title: 'x' })).code,
    ).toBe(ErrorCode.Forbidden);
    await expect(update({ title: 'By the owner' })).resolves.toMatchObject({ title: 'By the owner' });
  });

  it("takes an 'admin' caller header for no caller, and changes nothing for the operator's credentials", async () => {
    const gateway = await RawBus.connect(nats, 'gateway');
    const admin = await RawBus.connect(nats, 'admin');
    const operator = await connectClient(nats, 'admin');
    try {
      const change = { organizationId, title: 'By the operator' };
      expect(
        (await gateway.failureOf(InvitationsSubjects.updateOrganization.subject, change, { caller: 'admin' }))
          .code,
      ).toBe(ErrorCode.Forbidden);
      // Not an operator message: the admin app may not send it, and NATS would not let it through.
      expect((await failureOf(operator, InvitationsSubjects.updateOrganization, change)).code).toBe(
        ErrorCode.Internal,
      );
      expect((await admin.failureOf(InvitationsSubjects.updateOrganization.subject, change)).code).toBe(
        'PERMISSIONS_VIOLATION',
      );
    } finally {
      await Promise.all([gateway.close(), admin.close(), operator.close()]);
    }
    expect(await tables.rows('SELECT title FROM organization WHERE id = $1', [organizationId])).toEqual([
      { title: 'Label Studio' },
    ]);
  });
});
