import { readJson, TestBrowser, tokenHeaders, UserBody } from '../support/http-client';
import { eventually, startTestStack, TestStack } from '../support/stack';

const MEMBERS = 1100;
const PAGE = 500;

interface MembershipPage {
  count: number;
  next: string | null;
  previous: string | null;
  results: Array<{ id: number; organization: number; user: UserBody }>;
}

/** The People page's order as Label Studio gives it: by username, then by id. */
const byUsername = new Intl.Collator('en');

/**
 * Organizations of any size: `GET /api/users/` and the People page are rendered from the gateway
 * replicas' read models, past the 1000 users one list request over the bus may name, and the
 * People page stays in order as members join, leave and are renamed.
 */
describe('lists at any size, from either replica', () => {
  let sut: TestStack;
  let headers: Record<string, string>;
  let organizationId: number;
  /** What the test expects the members' usernames to be. */
  const usernames = new Map<number, string>();

  const membershipsUrl = (base: string, query: string) =>
    `${base}/api/organizations/${organizationId}/memberships?${query}`;

  /** Every page of the People page, in order. */
  async function peopleOf(base: string): Promise<{ count: number; userIds: number[] }> {
    const userIds: number[] = [];
    let count: number;
    for (let page = 1; ; page++) {
      const res = await fetch(membershipsUrl(base, `page=${page}&page_size=${PAGE}`), { headers });
      expect(res.status).toBe(200);
      const body = await readJson<MembershipPage>(res);
      count = body.count;
      userIds.push(...body.results.map((r) => r.user.id));
      if (!body.next) return { count, userIds };
    }
  }

  const expectedOrder = () =>
    [...usernames.entries()].sort(([a, x], [b, y]) => byUsername.compare(x, y) || a - b).map(([id]) => id);

  /** Until both replicas list the members in the expected order. */
  async function bothReplicasListInOrder(): Promise<void> {
    const expected = expectedOrder();
    for (const base of sut.baseUrls) {
      await eventually(async () => {
        const people = await peopleOf(base);
        return people.count === expected.length && people.userIds.join() === expected.join()
          ? true
          : undefined;
      }, 30_000);
    }
  }

  beforeAll(async () => {
    sut = await startTestStack({}, { gatewayReplicas: 2 });
    const [a] = sut.baseUrls;
    const browser = new TestBrowser(a);
    expect((await browser.signup('owner-of-many@example.com', 'a long password 1')).status).toBe(302);
    const { token } = await readJson<{ token: string }>(await browser.get('/api/current-user/token'));
    headers = tokenHeaders(token);
    const me = await readJson<UserBody>(await fetch(`${a}/api/current-user/whoami`, { headers }));
    organizationId = me.active_organization!;
    usernames.set(me.id, me.username);
    // The other members at once, straight into the services' tables; each service's outbox then
    // publishes them into its read model, as it does for every change.
    for (const [id, username] of await seedMembers(sut, organizationId, MEMBERS - 1)) {
      usernames.set(id, username);
    }
    for (const base of sut.baseUrls) {
      // Until this replica has them all (a page of one says how many there are).
      await eventually(async () => {
        const res = await fetch(membershipsUrl(base, 'page_size=1'), { headers });
        return (await readJson<{ count: number }>(res)).count === MEMBERS ? true : undefined;
      }, 90_000);
    }
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  it(`lists an organization of ${MEMBERS} members`, async () => {
    for (const base of sut.baseUrls) {
      // As Label Studio answers it: every member, one array.
      const res = await fetch(`${base}/api/users/`, { headers });
      expect(res.status).toBe(200);
      expect(await readJson<unknown[]>(res)).toHaveLength(MEMBERS);
    }
    const page = await readJson<MembershipPage>(
      await fetch(membershipsUrl(sut.baseUrls[1], `page=2&page_size=${PAGE}`), { headers }),
    );
    expect(page).toMatchObject({ count: MEMBERS });
    expect(page.results).toHaveLength(PAGE);
  });

  it('pages through the members by username on either replica', async () => {
    const expected = expectedOrder();
    for (const base of sut.baseUrls) {
      const people = await peopleOf(base);
      expect(people.count).toBe(MEMBERS);
      expect(people.userIds).toEqual(expected);
      const last = await readJson<MembershipPage>(
        await fetch(membershipsUrl(base, `page=last&page_size=${PAGE}`), { headers }),
      );
      expect(last.results.map((r) => r.user.id)).toEqual(expected.slice(2 * PAGE));
      expect(last.next).toBeNull();
      expect(last.previous).toContain('page=2');
      expect((await fetch(membershipsUrl(base, `page=4&page_size=${PAGE}`), { headers })).status).toBe(404);
      // One member at a time across the 1000th position.
      for (const position of [999, 1000, 1001]) {
        const one = await readJson<MembershipPage>(
          await fetch(membershipsUrl(base, `page=${position}&page_size=1`), { headers }),
        );
        expect(one.results.map((r) => r.user.id)).toEqual([expected[position - 1]]);
      }
    }
  });

  it('keeps the order as members are renamed, join and leave, across the 1000th position', async () => {
    const [a] = sut.baseUrls;
    const order = expectedOrder();
    const rename = async (userId: number, username: string) => {
      const res = await fetch(`${a}/api/users/${userId}/`, {
        method: 'PATCH',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ username }),
      });
      expect(res.status).toBe(200);
      usernames.set(userId, username);
    };
    // From past the 1000th position to the first, and from the first pages to the last.
    await rename(order[1050], 'aaa-renamed');
    await rename(order[10], 'zzz-renamed');
    await rename(order[999], 'seeded0');
    // Someone joins (between the two renamed ones).
    const joined = await fetch(`${a}/api/users/`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'joined@example.com', username: 'mmm-joined' }),
    });
    expect(joined.status).toBe(201);
    const joinedUser = await readJson<UserBody>(joined);
    usernames.set(joinedUser.id, 'mmm-joined');
    await bothReplicasListInOrder();

    // Removed from the organization: still listed in their place, as a deleted user.
    const removed = order[1020];
    const removal = await fetch(`${a}/api/organizations/${organizationId}/memberships/${removed}/`, {
      method: 'DELETE',
      headers,
    });
    expect(removal.status).toBe(204);
    // Deleted for good: no longer listed.
    const deleted = order[500];
    expect((await fetch(`${a}/api/users/${deleted}/`, { method: 'DELETE', headers })).status).toBe(204);
    usernames.delete(deleted);
    await bothReplicasListInOrder();
    const expected = expectedOrder();
    for (const base of sut.baseUrls) {
      const position = expected.indexOf(removed);
      const page = await readJson<MembershipPage>(
        await fetch(membershipsUrl(base, `page=${position + 1}&page_size=1`), { headers }),
      );
      expect(page.results[0].user).toMatchObject({ id: removed, username: `deleted-${removed}` });
      expect(page.count).toBe(MEMBERS);
    }
  });
});

/**
 * Accounts, memberships and profiles for `count` new members, with the read-model changes they
 * imply; their user ids and usernames.
 */
async function seedMembers(
  sut: TestStack,
  organizationId: number,
  count: number,
): Promise<Map<number, string>> {
  const rows = await sut.query<{ id: number; username: string }>(
    'identity',
    `INSERT INTO account (email, username)
     SELECT 'seeded' || n || '@example.com', 'seeded' || n FROM generate_series(1, $1) n RETURNING id, username`,
    [count],
  );
  const userIds = rows.map((row) => row.id);
  const outbox = (bucket: string) =>
    `INSERT INTO outbox (subject, payload) SELECT '$KV.${bucket}.' || id, '{}'::jsonb FROM unnest($1::int[]) id`;
  await sut.query('identity', outbox('auth-users'), [userIds]);
  await sut.query(
    'invitations',
    'INSERT INTO organization_member (user_id, organization_id) SELECT id, $2 FROM unnest($1::int[]) id',
    [userIds, organizationId],
  );
  await sut.query('invitations', outbox('user-memberships'), [userIds]);
  await sut.query('profiles', 'INSERT INTO profile (user_id) SELECT id FROM unnest($1::int[]) id', [userIds]);
  await sut.query('profiles', outbox('profiles'), [userIds]);
  return new Map(rows.map((row) => [row.id, row.username]));
}
