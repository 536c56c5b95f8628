import { readJson, TestBrowser, tokenHeaders, UserBody } from '../support/http-client';
import { eventually, startTestStack, TestStack } from '../support/stack';

const MEMBERS = 1100;

/**
 * Organizations of any size: `GET /api/users/` and the People page are rendered from the gateway
 * replicas' read models, past the 1000 users one list request over the bus may name.
 */
describe('lists at any size, from either replica', () => {
  let sut: TestStack;

  beforeAll(async () => {
    sut = await startTestStack({}, { gatewayReplicas: 2 });
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  it(`lists an organization of ${MEMBERS} members`, async () => {
    const [a, b] = sut.baseUrls;
    const browser = new TestBrowser(a);
    expect((await browser.signup('owner-of-many@example.com', 'a long password 1')).status).toBe(302);
    const { token } = await readJson<{ token: string }>(await browser.get('/api/current-user/token'));
    const headers = tokenHeaders(token);
    const me = await readJson<UserBody>(await fetch(`${a}/api/current-user/whoami`, { headers }));
    const organizationId = me.active_organization!;
    // The other members at once, straight into the services' tables; each service's outbox then
    // publishes them into its read model, as it does for every change.
    await seedMembers(sut, organizationId, MEMBERS - 1);
    for (const base of [a, b]) {
      // Until this replica has them all (a page of one says how many there are)…
      await eventually(async () => {
        const res = await fetch(`${base}/api/organizations/${organizationId}/memberships?page_size=1`, {
          headers,
        });
        return (await readJson<{ count: number }>(res)).count === MEMBERS ? true : undefined;
      }, 90_000);
      // …then the whole list, as Label Studio answers it: every member, one array.
      const res = await fetch(`${base}/api/users/`, { headers });
      expect(res.status).toBe(200);
      expect(await readJson<unknown[]>(res)).toHaveLength(MEMBERS);
    }
    const page = await readJson<{ count: number; results: unknown[] }>(
      await fetch(`${b}/api/organizations/${organizationId}/memberships?page=2&page_size=500`, { headers }),
    );
    expect(page).toMatchObject({ count: MEMBERS });
    expect(page.results).toHaveLength(500);
  });
});

/** Accounts, memberships and profiles for `count` new members, with the read-model changes they imply. */
async function seedMembers(sut: TestStack, organizationId: number, count: number): Promise<void> {
  const ids = await sut.query<{ id: number }>(
    'identity',
    `INSERT INTO account (email, username)
     SELECT 'seeded' || n || '@example.com', 'seeded' || n FROM generate_series(1, $1) n RETURNING id`,
    [count],
  );
  const userIds = ids.map((row) => row.id);
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
}
