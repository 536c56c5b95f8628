import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { natsConnectionOptions } from '@app/bus';
import { readJson, TestBrowser, UserBody } from '../support/http-client';
import { eventually, startTestStack, TestStack } from '../support/stack';

const ROOT = resolve(__dirname, '..', '..');
/** The installed command: the committed bin wrapper, which runs the built admin app in dist/. */
const LABEL_STUDIO = resolve(ROOT, 'bin', 'label-studio.js');
const PASSWORD = 'a long enough secret 1';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Published {
  published: string;
  subject: string;
  stream: string;
  seq: number;
  duplicate: boolean;
  event: Record<string, unknown>;
}

type ProjectRef = { id: number; title: string };
interface MembershipBody {
  id: number;
  organization: number;
  user: UserBody & { created_projects: ProjectRef[] | null; contributed_to_projects: ProjectRef[] | null };
  created_projects: ProjectRef[] | null;
  contributed_to_projects: ProjectRef[] | null;
}
interface DetailBody {
  user: number;
  organization: number;
  contributed_projects_count: number;
  annotations_count: number;
  created_at: string;
  created_projects: ProjectRef[] | null;
  contributed_to_projects: ProjectRef[] | null;
}

/** What the People page shows of one member: both copies of both lists. */
interface PersonLists {
  created: ProjectRef[] | null;
  contributed: ProjectRef[] | null;
  userCreated: ProjectRef[] | null;
  userContributed: ProjectRef[] | null;
}

const lists = (created: ProjectRef[] | null, contributed: ProjectRef[] | null): PersonLists => ({
  created,
  contributed,
  userCreated: created,
  userContributed: contributed,
});

describe('labeling events published with the CLI, on the People page', () => {
  let sut: TestStack;
  let owner: TestBrowser;
  const ids: Record<'owner' | 'ann' | 'bob', number> = { owner: 0, ann: 0, bob: 0 };
  let organizationId: number;
  /** An organization none of these people belong to. */
  const OTHER_ORGANIZATION = 999;

  /** `label-studio labeling_event …` as a process against the test stack's NATS. */
  function labelStudio(args: string[]): Promise<CliResult> {
    const child = spawn(process.execPath, [LABEL_STUDIO, 'labeling_event', ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...sut.nats.envFor('admin'), BUS_TIMEOUT_MS: '3000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolveResult, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(`label-studio labeling_event ${args.join(' ')} did not finish: ${stdout} ${stderr}`),
        );
      }, 30_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolveResult({ code, stdout, stderr });
      });
    });
  }

  /** Publishes one event; the command must succeed with exactly one line of JSON. */
  async function publish(kind: string, options: Record<string, string | number>): Promise<Published> {
    const args = [kind, ...Object.entries(options).flatMap(([name, value]) => [`--${name}`, String(value)])];
    const result = await labelStudio(args);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0]) as Published;
  }

  async function peopleLists(
    browser = owner,
    organization = organizationId,
  ): Promise<Record<string, PersonLists>> {
    const res = await browser.get(
      `/api/organizations/${organization}/memberships?contributed_to_projects=1&page_size=-1`,
    );
    expect(res.status).toBe(200);
    const page = await readJson<{ results: MembershipBody[] }>(res);
    return Object.fromEntries(
      page.results.map((membership) => [
        membership.user.email.split('@')[0],
        {
          created: membership.created_projects,
          contributed: membership.contributed_to_projects,
          userCreated: membership.user.created_projects,
          userContributed: membership.user.contributed_to_projects,
        },
      ]),
    );
  }

  /** Waits for the read model to catch up, then compares (so a mismatch shows as a diff). */
  async function expectPeopleLists(expected: Record<string, PersonLists>): Promise<void> {
    const wanted = JSON.stringify(expected);
    await eventually(async () => (JSON.stringify(await peopleLists()) === wanted ? true : undefined)).catch(
      () => undefined,
    );
    expect(await peopleLists()).toEqual(expected);
  }

  async function detail(userId: number, query = '?contributed_to_projects=1'): Promise<DetailBody> {
    const res = await owner.get(`/api/organizations/${organizationId}/memberships/${userId}/${query}`);
    expect(res.status).toBe(200);
    return readJson<DetailBody>(res);
  }

  beforeAll(async () => {
    sut = await startTestStack();
    const people: Array<[keyof typeof ids, TestBrowser]> = [];
    for (const name of ['owner', 'ann', 'bob'] as const) {
      const browser = new TestBrowser(sut.baseUrl);
      expect((await browser.signup(`${name}@example.com`, PASSWORD)).status).toBe(302);
      people.push([name, browser]);
    }
    for (const [name, browser] of people) {
      const me = await eventually(async () => {
        const res = await browser.get('/api/current-user/whoami');
        const body = res.status === 200 ? await readJson<UserBody>(res) : undefined;
        return body?.active_organization ? body : undefined;
      });
      ids[name] = me.id;
      organizationId = me.active_organization!;
    }
    owner = people[0][1];
  });
  afterAll(async () => {
    await sut?.dispose();
  });
  // A failed test must not leave profiles stopped for the next one.
  afterEach(async () => {
    await sut?.stack.start();
  });

  it('shows empty lists before any event, and null ones unless asked for', async () => {
    await expectPeopleLists({ ann: lists([], []), bob: lists([], []), owner: lists([], []) });
    const res = await owner.get(`/api/organizations/${organizationId}/memberships`);
    const plain = await readJson<{ results: MembershipBody[] }>(res);
    for (const membership of plain.results) {
      expect(membership).toMatchObject({
        created_projects: null,
        contributed_to_projects: null,
        user: { created_projects: null, contributed_to_projects: null },
      });
    }
  });

  it('lists the projects and contributions the events describe, in this organization only', async () => {
    const created = await publish('project_created', {
      project: 7,
      organization: organizationId,
      title: 'Cats',
      user: ids.owner,
      'occurred-at': '2026-01-01T09:00:00Z',
    });
    expect(created).toMatchObject({
      published: 'project_created',
      subject: 'labeling.events.project.created.v1',
      stream: 'LABELING',
      duplicate: false,
      event: { projectId: 7, organizationId, title: 'Cats', createdBy: ids.owner },
    });
    expect(created.event.eventId).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
    await publish('project_created', {
      project: 8,
      organization: organizationId,
      title: 'Dogs',
      user: ids.ann,
    });
    await publish('project_created', {
      project: 9,
      organization: OTHER_ORGANIZATION,
      title: 'Elsewhere',
      user: ids.ann,
    });
    await publish('annotation_created', { annotation: 31, project: 7, user: ids.bob });
    await publish('annotation_created', { annotation: 32, project: 7, user: ids.bob });
    await publish('annotation_created', { annotation: 33, project: 8, user: ids.bob });
    await publish('annotation_created', { annotation: 34, project: 7, user: ids.ann });
    await publish('annotation_created', { annotation: 35, project: 9, user: ids.bob });

    const cats = { id: 7, title: 'Cats' };
    const dogs = { id: 8, title: 'Dogs' };
    await expectPeopleLists({
      ann: lists([dogs], [cats]),
      bob: lists([], [cats, dogs]),
      owner: lists([cats], []),
    });
    expect(await detail(ids.bob)).toMatchObject({
      user: ids.bob,
      organization: organizationId,
      contributed_projects_count: 2,
      annotations_count: 3,
      created_projects: [],
      contributed_to_projects: [cats, dogs],
    });
  });

  it('catches up on events published while profiles was stopped: replayed, duplicated, out of order', async () => {
    await sut.stack.stopApp('profiles');
    const down = await owner.get(
      `/api/organizations/${organizationId}/memberships?contributed_to_projects=1`,
    );
    expect(down.status).toBe(503);

    // Titles: the newest occurredAt wins, whatever order the updates come in.
    await publish('project_updated', { project: 7, title: 'Cats v2', 'occurred-at': '2026-01-01T11:00:00Z' });
    await publish('project_updated', {
      project: 7,
      title: 'Cats (old)',
      'occurred-at': '2026-01-01T10:00:00Z',
    });
    // Deletions before the creations they delete: the tombstones win.
    await publish('project_deleted', { project: 10 });
    await publish('project_created', {
      project: 10,
      organization: organizationId,
      title: 'Ghost',
      user: ids.bob,
    });
    await publish('annotation_deleted', { annotation: 36, project: 7 });
    await publish('annotation_created', { annotation: 36, project: 7, user: ids.ann });
    await publish('annotation_deleted', { annotation: 33, project: 8 });
    // The same event twice: JetStream drops the second publish.
    const eventId = randomUUID();
    const first = await publish('annotation_created', {
      annotation: 37,
      project: 8,
      user: ids.owner,
      'event-id': eventId,
    });
    const again = await publish('annotation_created', {
      annotation: 37,
      project: 8,
      user: ids.owner,
      'event-id': eventId,
    });
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, seq: first.seq });
    // The same facts replayed under new event ids (as after the duplicate window): nothing changes.
    await publish('annotation_created', { annotation: 31, project: 7, user: ids.bob });
    await publish('annotation_created', { annotation: 37, project: 8, user: ids.owner });
    await publish('project_created', {
      project: 7,
      organization: organizationId,
      title: 'Cats',
      user: ids.owner,
      'occurred-at': '2026-01-01T09:00:00Z',
    });

    await sut.stack.startApp('profiles');

    const cats = { id: 7, title: 'Cats v2' };
    const dogs = { id: 8, title: 'Dogs' };
    await expectPeopleLists({
      ann: lists([dogs], [cats]),
      bob: lists([], [cats]),
      owner: lists([cats], [dogs]),
    });
    const ownerDetail = await detail(ids.owner);
    expect(Object.keys(ownerDetail)).toEqual([
      'user',
      'organization',
      'contributed_projects_count',
      'annotations_count',
      'created_at',
      'created_projects',
      'contributed_to_projects',
    ]);
    expect(ownerDetail).toEqual({
      user: ids.owner,
      organization: organizationId,
      contributed_projects_count: 1,
      annotations_count: 1,
      created_at: expect.any(String),
      created_projects: [cats],
      contributed_to_projects: [dogs],
    });
    expect(await detail(ids.ann)).toMatchObject({ contributed_projects_count: 1, annotations_count: 1 });
    expect(await detail(ids.bob)).toMatchObject({
      contributed_projects_count: 1,
      annotations_count: 2,
      created_projects: [],
      contributed_to_projects: [cats],
    });
    // Without the flag the detail still counts, and the lists are null.
    expect(await detail(ids.bob, '')).toMatchObject({
      contributed_projects_count: 1,
      annotations_count: 2,
      created_projects: null,
      contributed_to_projects: null,
    });
  });

  it('scopes the lists to the caller’s active organization, not the one in the URL', async () => {
    const [{ id: second }] = await sut.query<{ id: number }>(
      'invitations',
      `INSERT INTO organization (title, token, token_digest) VALUES ('Second', $1, $2) RETURNING id`,
      [randomBytes(20).toString('hex'), randomBytes(32).toString('hex')],
    );
    await publish('project_created', { project: 50, organization: second, title: 'Birds', user: ids.ann });
    await publish('annotation_created', { annotation: 51, project: 50, user: ids.bob });
    await sut.query(
      'invitations',
      'INSERT INTO organization_member (organization_id, user_id) VALUES ($1, $2)',
      [second, ids.owner],
    );
    await sut.query('invitations', 'UPDATE user_context SET active_organization_id = $1 WHERE user_id = $2', [
      second,
      ids.owner,
    ]);
    // Written behind the service's back: its outbox publishes the change to the read model as
    // the service itself would.
    await sut.query('invitations', `INSERT INTO outbox (subject, payload) VALUES ($1, '{}'::jsonb)`, [
      `$KV.user-memberships.${ids.owner}`,
    ]);

    const birds = { id: 50, title: 'Birds' };
    await expectPeopleLists({ ann: lists([birds], []), bob: lists([], [birds]), owner: lists([], []) });
    // The detail answers only within the active organization (Label Studio's OrganizationMemberMixin).
    expect((await owner.get(`/api/organizations/${organizationId}/memberships/${ids.bob}/`)).status).toBe(
      403,
    );
  });

  it('refuses bad input with one line and a failure status, publishing nothing', async () => {
    const nc = await connect(natsConnectionOptions(sut.nats.settingsFor('profiles')));
    const jsm = await jetstreamManager(nc);
    const messages = async () => (await jsm.streams.info('LABELING')).state.messages;
    try {
      const before = await messages();
      for (const args of [
        ['project_created', '--project', '60', '--title', 'No organization', '--user', String(ids.ann)],
        ['project_deleted', '--project', 'sixty'],
        ['project_renamed', '--project', '60'],
        ['project_deleted', '--project', '60', '--title', 'Not for a deletion'],
        ['project_deleted', '--project', '60', '--occurred-at', 'yesterday'],
      ]) {
        const result = await labelStudio(args);
        expect(result.code).not.toBe(0);
        expect(result.stdout).toBe('');
        expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^error: /)]);
      }
      expect(await messages()).toBe(before);
    } finally {
      await nc.drain();
    }
  });
});
