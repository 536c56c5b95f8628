import { randomBytes } from 'node:crypto';
import { IdentitySubjects, InvitationsSubjects } from '@app/contracts';
import { BusClient } from '@app/bus';
import { readJson, TestBrowser, tokenHeaders, UserBody } from '../support/http-client';
import { eventually, startTestStack, TestStack } from '../support/stack';

const PASSWORD = 'a long enough secret 1';
const ORGANIZATION_KEYS = [
  'id',
  'title',
  'token',
  'created_at',
  'updated_at',
  'contact_info',
  'allow_unsafe_instruction_tags',
  'created_by',
  'users',
];
const USER_KEYS = [
  'id',
  'first_name',
  'last_name',
  'username',
  'email',
  'last_activity',
  'custom_hotkeys',
  'avatar',
  'initials',
  'phone',
  'active_organization',
  'active_organization_meta',
  'allow_newsletters',
  'date_joined',
  'created_projects',
  'contributed_to_projects',
];

interface InviteBody {
  token: string;
  invite_url: string;
}
interface OrganizationBody {
  id: number;
  title: string;
  token: string;
  contact_info: string | null;
  created_by: number | null;
  users: number[];
  [field: string]: unknown;
}
interface MembershipBody {
  id: number;
  organization: number;
  user: UserBody & { created_projects: unknown; contributed_to_projects: unknown };
  created_projects: unknown;
  contributed_to_projects: unknown;
}
interface PageBody {
  count: number;
  next: string | null;
  previous: string | null;
  results: MembershipBody[];
}

/** A person with a browser: signed up (or not) through the real pages. */
async function signup(sut: TestStack, email: string, query = '') {
  const browser = new TestBrowser(sut.baseUrl);
  const res = await browser.signup(email, PASSWORD, query);
  return { browser, status: res.status };
}

const linkQuery = (token: string) => `?token=${encodeURIComponent(token)}`;

async function inviteOf(browser: TestBrowser): Promise<InviteBody> {
  const res = await browser.get('/api/invite');
  expect(res.status).toBe(200);
  return readJson<InviteBody>(res);
}

async function resetInvite(browser: TestBrowser): Promise<InviteBody> {
  const res = await browser.api('POST', '/api/invite/reset-token');
  expect(res.status).toBe(201);
  return readJson<InviteBody>(res);
}

async function whoami(browser: TestBrowser): Promise<UserBody> {
  const res = await browser.get('/api/current-user/whoami');
  expect(res.status).toBe(200);
  return readJson<UserBody>(res);
}

async function accountsWithEmail(sut: TestStack, emails: string[]): Promise<string[]> {
  const rows = await sut.query<{ email: string }>(
    'identity',
    'SELECT email FROM account WHERE email = ANY($1)',
    [emails],
  );
  return rows.map((row) => row.email);
}

/** An organization the people of this test are not in (only the first is founded by a signup). */
async function insertOrganization(sut: TestStack, title: string): Promise<number> {
  const [row] = await sut.query<{ id: number }>(
    'invitations',
    `INSERT INTO organization (title, token, token_digest) VALUES ($1, $2, $3) RETURNING id`,
    [title, randomBytes(20).toString('hex'), randomBytes(32).toString('hex')],
  );
  return row.id;
}

describe('invitation links, signup restriction, organizations and people', () => {
  describe('with signup open (the default)', () => {
    let sut: TestStack;
    let owner: TestBrowser;
    let ownerMe: UserBody;
    let organizationId: number;

    beforeAll(async () => {
      sut = await startTestStack();
    });
    afterAll(async () => {
      await sut?.dispose();
    });

    it('lets the first person found the organization and read its invite link', async () => {
      const first = await signup(sut, 'owner@example.com');
      expect(first.status).toBe(302);
      owner = first.browser;
      ownerMe = await whoami(owner);
      organizationId = ownerMe.active_organization!;

      const res = await owner.get('/api/invite');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-robots-tag')).toContain('noindex');
      const invite = await readJson<InviteBody>(res);
      expect(Object.keys(invite)).toEqual(['token', 'invite_url']);
      expect(invite.token).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(invite.invite_url).toBe(`/user/signup/?token=${invite.token}`);
    });

    it('answers the invite paths only without a trailing slash, and only to a signed-in caller', async () => {
      expect((await owner.get('/api/invite/')).status).toBe(404);
      expect((await owner.api('POST', '/api/invite/reset-token/')).status).toBe(404);
      expect((await fetch(`${sut.baseUrl}/api/invite`)).status).toBe(401);
      expect((await fetch(`${sut.baseUrl}/api/invite/reset-token`, { method: 'POST' })).status).toBe(401);
      // A cookie-authenticated reset needs the CSRF token, like every unsafe request.
      expect((await owner.api('POST', '/api/invite/reset-token', undefined, { csrf: false })).status).toBe(
        403,
      );
    });

    it('admits a signup without a link or with the link, and refuses a link that is not valid', async () => {
      const { token } = await inviteOf(owner);

      expect((await signup(sut, 'bob@example.com')).status).toBe(302);
      const carl = await signup(sut, 'carl@example.com', linkQuery(token));
      expect(carl.status).toBe(302);
      expect((await whoami(carl.browser)).active_organization).toBe(organizationId);

      const eve = await signup(sut, 'eve@example.com', linkQuery('x'.repeat(40)));
      expect(eve.status).toBe(403);
      expect(await accountsWithEmail(sut, ['eve@example.com'])).toEqual([]);
    });

    it('refuses the old link at once after a reset; the new link and (the quirk) no link still work', async () => {
      const before = await inviteOf(owner);
      const after = await resetInvite(owner);
      expect(Object.keys(after)).toEqual(['token', 'invite_url']);
      expect(after.token).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(after.token).not.toBe(before.token);
      expect(after.invite_url).toBe(`/user/signup/?token=${after.token}`);
      expect(await inviteOf(owner)).toEqual(after);

      expect((await signup(sut, 'dave@example.com', linkQuery(before.token))).status).toBe(403);
      expect((await signup(sut, 'dave@example.com', linkQuery(after.token))).status).toBe(302);
      expect((await signup(sut, 'erin@example.com')).status).toBe(302);

      const [audit] = await sut.query<{ actor: string; details: Record<string, unknown> }>(
        'invitations',
        "SELECT actor, details FROM audit_log WHERE action = 'invite.reset'",
      );
      expect(audit).toEqual({ actor: String(ownerMe.id), details: { organizationId } });
    });

    it('resets by token without CSRF, as scripts do', async () => {
      const key = (await readJson<{ token: string }>(await owner.get('/api/current-user/token'))).token;
      const res = await fetch(`${sut.baseUrl}/api/invite/reset-token`, {
        method: 'POST',
        headers: tokenHeaders(key),
      });
      expect(res.status).toBe(201);
      expect(await inviteOf(owner)).toEqual(await readJson(res));
    });

    // The signups pass the link check before the reset commits and reach the membership step after
    // it, so invitations refuses them there and the gateway deletes the accounts just made.
    it('leaves no account behind for a signup refused by a reset racing it', async () => {
      const { token } = await inviteOf(owner);
      const emails = Array.from({ length: 8 }, (_, i) => `racer${i}@example.com`);

      const [outcomes] = await Promise.all([
        Promise.all(
          emails.map(async (email) => ({
            email,
            status: (await signup(sut, email, linkQuery(token))).status,
          })),
        ),
        resetInvite(owner),
      ]);

      const created = await accountsWithEmail(sut, emails);
      for (const { email, status } of outcomes) {
        expect([email, status]).toEqual([email, expect.any(Number)]);
        expect([302, 403]).toContain(status);
        expect([email, created.includes(email)]).toEqual([email, status === 302]);
      }
    });

    describe('organizations', () => {
      it('lists the organizations of the caller as a plain array, with and without the slash', async () => {
        for (const path of ['/api/organizations/', '/api/organizations']) {
          const res = await owner.get(path);
          expect(res.status).toBe(200);
          const list = await readJson<Array<Record<string, unknown>>>(res);
          expect(list).toEqual([
            {
              id: organizationId,
              title: 'Label Studio',
              contact_info: null,
              created_at: expect.stringMatching(/Z$/),
            },
          ]);
          expect(Object.keys(list[0])).toEqual(['id', 'title', 'contact_info', 'created_at']);
        }
      });

      it("shows an organization with Label Studio's serializer fields, only without the slash", async () => {
        const res = await owner.get(`/api/organizations/${organizationId}`);
        expect(res.status).toBe(200);
        const organization = await readJson<OrganizationBody>(res);
        expect(Object.keys(organization)).toEqual(ORGANIZATION_KEYS);
        expect(organization).toMatchObject({
          id: organizationId,
          title: 'Label Studio',
          token: (await inviteOf(owner)).token,
          contact_info: null,
          allow_unsafe_instruction_tags: false,
          created_by: ownerMe.id,
        });
        expect(organization.users).toContain(ownerMe.id);
        expect((await owner.get(`/api/organizations/${organizationId}/`)).status).toBe(404);
      });

      it('answers 404 for an unknown organization and 403 for one the caller is not in', async () => {
        const elsewhere = await insertOrganization(sut, 'Elsewhere');
        expect((await owner.get('/api/organizations/999999')).status).toBe(404);
        expect((await owner.get('/api/organizations/abc')).status).toBe(404);
        const refused = await owner.get(`/api/organizations/${elsewhere}`);
        expect(refused.status).toBe(403);
        expect(await readJson(refused)).toMatchObject({
          status_code: 403,
          detail: 'You do not have permission to perform this action.',
        });
        expect((await owner.api('PATCH', `/api/organizations/${elsewhere}`, { title: 'Mine' })).status).toBe(
          403,
        );
      });

      it('updates title, contact info and the invite token; created_by stays', async () => {
        const res = await owner.api('PATCH', `/api/organizations/${organizationId}`, {
          title: 'Acme labeling',
          contact_info: 'team@acme.example',
          created_by: 424242,
          allow_unsafe_instruction_tags: true,
        });
        expect(res.status).toBe(200);
        const organization = await readJson<OrganizationBody>(res);
        expect(Object.keys(organization)).toEqual(ORGANIZATION_KEYS);
        expect(organization).toMatchObject({
          title: 'Acme labeling',
          contact_info: 'team@acme.example',
          created_by: ownerMe.id,
          allow_unsafe_instruction_tags: false,
        });
        expect((await whoami(owner)).active_organization_meta).toEqual({
          title: 'Acme labeling',
          email: 'owner@example.com',
        });

        // A chosen link must be as hard to guess as a generated one: 22 URL-safe characters.
        const weak = await owner.api('PATCH', `/api/organizations/${organizationId}`, {
          token: 'our-own-link',
          title: 'Not saved',
        });
        expect(weak.status).toBe(400);
        expect(await readJson(weak)).toMatchObject({
          validation_errors: {
            token: ['Ensure this field has at least 22 characters, each a letter, a digit, "-" or "_".'],
          },
        });
        expect((await signup(sut, 'weak@example.com', '?token=our-own-link')).status).toBe(403);
        const tokenChange = await owner.api('PATCH', `/api/organizations/${organizationId}`, {
          token: 'our-own-link-of-22-chars',
        });
        expect(tokenChange.status).toBe(200);
        expect(await inviteOf(owner)).toEqual({
          token: 'our-own-link-of-22-chars',
          invite_url: '/user/signup/?token=our-own-link-of-22-chars',
        });
        expect((await signup(sut, 'fay@example.com', '?token=our-own-link-of-22-chars')).status).toBe(302);
      });

      it('refuses bad input with field errors; PUT needs a title; DELETE is not allowed', async () => {
        const bad = await owner.api('PATCH', `/api/organizations/${organizationId}`, {
          title: '',
          contact_info: 'not an email',
        });
        expect(bad.status).toBe(400);
        expect(await readJson(bad)).toMatchObject({
          detail: 'Validation error',
          validation_errors: {
            title: ['This field may not be blank.'],
            contact_info: ['Enter a valid email address.'],
          },
        });
        const put = await owner.api('PUT', `/api/organizations/${organizationId}`, { contact_info: null });
        expect(put.status).toBe(400);
        expect(await readJson(put)).toMatchObject({
          validation_errors: { title: ['This field is required.'] },
        });
        const fullPut = await owner.api('PUT', `/api/organizations/${organizationId}`, { title: 'Acme' });
        expect(fullPut.status).toBe(200);
        expect((await readJson<OrganizationBody>(fullPut)).title).toBe('Acme');
        const deleted = await owner.api('DELETE', `/api/organizations/${organizationId}`);
        expect(deleted.status).toBe(405);
        expect(await readJson(deleted)).toMatchObject({ detail: 'Method "DELETE" not allowed.' });
      });
    });

    describe('memberships (the People page)', () => {
      const memberships = (query = '') =>
        owner.get(`/api/organizations/${organizationId}/memberships${query}`);

      it('pages members ordered by username, with absolute next and previous links', async () => {
        const all = await readJson<PageBody>(await memberships('?page_size=-1'));
        const usernames = all.results.map((m) => m.user.username);
        expect(usernames).toEqual([...usernames].sort((a, b) => a.localeCompare(b, 'en')));
        expect(usernames).toEqual(expect.arrayContaining(['bob', 'carl', 'dave', 'erin', 'fay', 'owner']));
        expect(all).toMatchObject({ count: all.results.length, next: null, previous: null });

        const first = await readJson<PageBody>(await memberships('?page_size=2'));
        expect(first.count).toBe(all.count);
        expect(first.results.map((m) => m.user.username)).toEqual(usernames.slice(0, 2));
        expect(first.previous).toBeNull();
        expect(first.next).toBe(
          `${sut.baseUrl}/api/organizations/${organizationId}/memberships?page=2&page_size=2`,
        );

        const second = await readJson<PageBody>(
          await owner.get(new URL(first.next!).pathname + new URL(first.next!).search),
        );
        expect(second.results.map((m) => m.user.username)).toEqual(usernames.slice(2, 4));
        expect(second.previous).toBe(
          `${sut.baseUrl}/api/organizations/${organizationId}/memberships?page_size=2`,
        );

        const defaults = await readJson<PageBody>(await memberships());
        expect(defaults.results).toHaveLength(Math.min(20, all.count));
      });

      it("renders each membership in Label Studio's shape, with project lists only when asked", async () => {
        const page = await readJson<PageBody>(await memberships('?page_size=1'));
        const [membership] = page.results;
        expect(Object.keys(membership)).toEqual([
          'id',
          'organization',
          'user',
          'created_projects',
          'contributed_to_projects',
        ]);
        expect(Object.keys(membership.user)).toEqual(USER_KEYS);
        expect(membership).toMatchObject({
          id: expect.any(Number),
          organization: organizationId,
          created_projects: null,
          contributed_to_projects: null,
          user: { created_projects: null, contributed_to_projects: null },
        });

        const asked = await readJson<PageBody>(await memberships('?page_size=1&contributed_to_projects=1'));
        expect(asked.results[0]).toMatchObject({
          created_projects: [],
          contributed_to_projects: [],
          user: { created_projects: [], contributed_to_projects: [] },
        });
        expect(asked.next).toBe(
          `${sut.baseUrl}/api/organizations/${organizationId}/memberships?contributed_to_projects=1&page=2&page_size=1`,
        );
      });

      it("answers 404 'Invalid page.' out of range, 404 with a slash, 404 for an organization the caller is not in", async () => {
        for (const query of ['?page=99', '?page=0', '?page=abc']) {
          const res = await memberships(query);
          expect(res.status).toBe(404);
          expect(await readJson(res)).toMatchObject({ detail: 'Invalid page.' });
        }
        expect((await owner.get(`/api/organizations/${organizationId}/memberships/`)).status).toBe(404);
        const elsewhere = await insertOrganization(sut, 'Not ours');
        expect((await owner.get(`/api/organizations/${elsewhere}/memberships`)).status).toBe(404);
      });

      it('shows one membership only from within the active organization', async () => {
        const bob = (await readJson<PageBody>(await memberships('?page_size=-1'))).results.find(
          (m) => m.user.username === 'bob',
        )!;
        for (const path of [`${bob.user.id}/`, `${bob.user.id}`]) {
          const res = await owner.get(`/api/organizations/${organizationId}/memberships/${path}`);
          expect(res.status).toBe(200);
          const body = await readJson(res);
          expect(Object.keys(body)).toEqual([
            'user',
            'organization',
            'contributed_projects_count',
            'annotations_count',
            'created_at',
            'created_projects',
            'contributed_to_projects',
          ]);
          expect(body).toEqual({
            user: bob.user.id,
            organization: organizationId,
            contributed_projects_count: 0,
            annotations_count: 0,
            created_at: expect.stringMatching(/Z$/),
            created_projects: null,
            contributed_to_projects: null,
          });
        }
        expect((await owner.get(`/api/organizations/${organizationId}/memberships/999999/`)).status).toBe(
          404,
        );
        const elsewhere = await insertOrganization(sut, 'Also not ours');
        expect((await owner.get(`/api/organizations/${elsewhere}/memberships/${bob.user.id}/`)).status).toBe(
          403,
        );
      });
    });

    describe('removing a member', () => {
      let bob: TestBrowser;
      let bobId: number;
      let bobToken: string;
      let sideProject: number;

      beforeAll(async () => {
        bob = new TestBrowser(sut.baseUrl);
        expect((await bob.login('bob@example.com', PASSWORD)).status).toBe(302);
        bobId = (await whoami(bob)).id;
        bobToken = (await readJson<{ token: string }>(await bob.get('/api/current-user/token'))).token;
      });

      const removal = (by: TestBrowser, userId: number, organization = organizationId, slash = '/') =>
        by.api('DELETE', `/api/organizations/${organization}/memberships/${userId}${slash}`);

      it('refuses a member who owns no organization', async () => {
        const res = await removal(bob, ownerMe.id);
        expect(res.status).toBe(403);
        expect(await readJson(res)).toMatchObject({
          detail: 'You do not have permission to perform this action.',
        });
      });

      it('refuses an owner acting outside their active organization', async () => {
        sideProject = await insertOrganization(sut, 'Side project');
        await sut.query(
          'invitations',
          'INSERT INTO organization_member (organization_id, user_id) VALUES ($1, $2), ($1, $3)',
          [sideProject, ownerMe.id, bobId],
        );
        const res = await removal(owner, bobId, sideProject);
        expect(res.status).toBe(403);
        expect(await readJson(res)).toMatchObject({
          detail: 'You can delete members only for your current active organization',
        });
      });

      it('refuses to remove oneself with a bare 405 body', async () => {
        const res = await removal(owner, ownerMe.id);
        expect(res.status).toBe(405);
        expect(await readJson(res)).toEqual({ detail: 'User cannot soft delete self' });
      });

      it('soft-deletes the member, who is then shown as a deleted user', async () => {
        const res = await removal(owner, bobId, organizationId, '');
        expect(res.status).toBe(204);
        expect(await res.text()).toBe('');

        const page = await readJson<PageBody>(
          await owner.get(`/api/organizations/${organizationId}/memberships?page_size=-1`),
        );
        const removed = page.results.find((m) => m.user.id === bobId)!;
        expect(removed.user).toMatchObject({
          username: `deleted-${bobId}`,
          first_name: 'Deleted',
          last_name: `User ${bobId}`,
          email: `deleted-${bobId}-user@example.com`,
          initials: 'DU',
        });
        expect((await removal(owner, bobId)).status).toBe(404);
        const [audit] = await sut.query<{ actor: string; subject_user_id: number }>(
          'invitations',
          "SELECT actor, subject_user_id FROM audit_log WHERE action = 'member.removed'",
        );
        expect(audit).toEqual({ actor: String(ownerMe.id), subject_user_id: bobId });
      });

      it('keeps the access of a member still active in another organization, now their active one', async () => {
        const me = await readJson<UserBody>(
          await fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers: tokenHeaders(bobToken) }),
        );
        expect(me.active_organization).toBe(sideProject);
      });

      it('ends the token, session and logins of a member removed from their last organization', async () => {
        const carl = new TestBrowser(sut.baseUrl);
        expect((await carl.login('carl@example.com', PASSWORD)).status).toBe(302);
        const carlId = (await whoami(carl)).id;
        const carlToken = (await readJson<{ token: string }>(await carl.get('/api/current-user/token')))
          .token;

        expect((await removal(owner, carlId)).status).toBe(204);

        const byToken = await fetch(`${sut.baseUrl}/api/current-user/whoami`, {
          headers: tokenHeaders(carlToken),
        });
        expect(byToken.status).toBe(401);
        expect((await carl.get('/api/current-user/whoami')).status).toBe(401);
        const login = await new TestBrowser(sut.baseUrl).login('carl@example.com', PASSWORD);
        expect(login.status).toBe(200);
        expect(await login.text()).toContain('The email and password you entered don&#39;t match.');
      });
    });
  });

  describe('with signup restricted to invitation links', () => {
    let sut: TestStack;
    let bus: BusClient;
    let owner: TestBrowser;
    let organizationId: number;

    beforeAll(async () => {
      sut = await startTestStack({ LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK: 'true' });
      bus = new BusClient(sut.nats.settingsFor('admin'));
      await bus.connect();
    });
    afterAll(async () => {
      await bus?.close();
      await sut?.dispose();
    });

    it('lets nobody sign up through the web on an empty database', async () => {
      const page = await new TestBrowser(sut.baseUrl).get('/user/signup/');
      expect(page.status).toBe(200);
      expect((await signup(sut, 'early@example.com')).status).toBe(403);
      expect(await accountsWithEmail(sut, ['early@example.com'])).toEqual([]);
    });

    it('admits only the current link of the organization the operator made', async () => {
      // The first account comes from the operator, not the signup page (Label Studio's CLI).
      const { account } = await bus.request(IdentitySubjects.provisionAccount, {
        email: 'owner@example.com',
        password: PASSWORD,
      });
      await bus.request(InvitationsSubjects.operatorEnsureMembership, {
        userId: account.id,
        email: account.email,
        organizationId: null,
        setActiveOrganization: true,
      });
      owner = new TestBrowser(sut.baseUrl);
      expect((await owner.login('owner@example.com', PASSWORD)).status).toBe(302);
      organizationId = (await whoami(owner)).active_organization!;
      const { token } = await inviteOf(owner);

      expect((await signup(sut, 'nolink@example.com')).status).toBe(403);
      expect((await signup(sut, 'badlink@example.com', linkQuery('y'.repeat(40)))).status).toBe(403);
      const invited = await signup(sut, 'invited@example.com', linkQuery(token));
      expect(invited.status).toBe(302);
      expect((await whoami(invited.browser)).active_organization).toBe(organizationId);
      expect(
        await accountsWithEmail(sut, ['nolink@example.com', 'badlink@example.com', 'invited@example.com']),
      ).toEqual(['invited@example.com']);
    });

    it('keeps the holders of a reset link out, and lets the new link in', async () => {
      const before = await inviteOf(owner);
      const after = await resetInvite(owner);

      expect((await signup(sut, 'late@example.com', linkQuery(before.token))).status).toBe(403);
      expect((await signup(sut, 'late@example.com')).status).toBe(403);
      expect((await signup(sut, 'late@example.com', linkQuery(after.token))).status).toBe(302);
      const audit = await eventually(async () => {
        const rows = await sut.query<{ details: Record<string, unknown> }>(
          'invitations',
          "SELECT details FROM audit_log WHERE action = 'signup' ORDER BY id DESC LIMIT 1",
        );
        return rows[0];
      });
      expect(audit.details).toEqual({ organizationId, viaInvite: true });
    });
  });
});
