import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import {
  AnnotationCreatedEvent,
  AnnotationDeletedEvent,
  ErrorCode,
  EventContract,
  LabelingEvents,
  PayloadOf,
  ProfilesSubjects,
  ProjectCreatedEvent,
  ProjectDeletedEvent,
  ProjectUpdatedEvent,
} from '@app/contracts';
import { BusClient, ensureStream, publishEvent } from '@app/bus';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infra';
import { TestNatsServer } from '../../../../test/support/nats-server';
import { connectAs, RawBus } from '../../../../test/support/raw-bus';
import { startProfilesService } from '../profiles.bootstrap';
import { profilesTestConfig } from '../../test/test-config';
import { busErrorOf } from '../../../../test/support/bus-errors';

let db: TestDatabase;
let nats: TestNatsServer;
/** The gateway, as the service's callers. */
let client: BusClient;
/** The labeling backend, with its own credentials: it may only publish its events. */
let nc: NatsConnection;
/** Profiles' own credentials: the stream's owner, and the only one to look at its consumers. */
let owner: NatsConnection;
let app: INestApplication | undefined;

const ORG = 1;
const OTHER_ORG = 2;
const T0 = '2025-06-01T10:00:00.000Z';
const T1 = '2025-06-01T11:00:00.000Z';
const T2 = '2025-06-01T12:00:00.000Z';

/** Ids unique to each test, so tests share one read model without seeing each other's rows. */
let nextId = 1_000;
const newId = () => ++nextId;

const projectCreated = (overrides: Partial<ProjectCreatedEvent> = {}): ProjectCreatedEvent => ({
  eventId: randomUUID(),
  occurredAt: T0,
  projectId: newId(),
  organizationId: ORG,
  title: 'Cats',
  createdBy: newId(),
  ...overrides,
});
const projectUpdated = (
  projectId: number,
  overrides: Partial<ProjectUpdatedEvent> = {},
): ProjectUpdatedEvent => ({
  eventId: randomUUID(),
  occurredAt: T1,
  projectId,
  title: 'Dogs',
  ...overrides,
});
const projectDeleted = (
  projectId: number,
  overrides: Partial<ProjectDeletedEvent> = {},
): ProjectDeletedEvent => ({
  eventId: randomUUID(),
  occurredAt: T2,
  projectId,
  ...overrides,
});
const annotationCreated = (
  projectId: number,
  completedBy: number,
  overrides: Partial<AnnotationCreatedEvent> = {},
): AnnotationCreatedEvent => ({
  eventId: randomUUID(),
  occurredAt: T1,
  annotationId: newId(),
  projectId,
  completedBy,
  ...overrides,
});
const annotationDeleted = (
  annotation: Pick<AnnotationCreatedEvent, 'annotationId' | 'projectId'>,
  overrides: Partial<AnnotationDeletedEvent> = {},
): AnnotationDeletedEvent => ({
  eventId: randomUUID(),
  occurredAt: T2,
  annotationId: annotation.annotationId,
  projectId: annotation.projectId,
  ...overrides,
});

/**
 * A fresh message id on every publish (unless given): a repeat is then a second delivery that
 * JetStream does not deduplicate, which is what the handlers must survive.
 */
const publish = async <C extends EventContract>(
  contract: C,
  payload: PayloadOf<C>,
  msgId: string = randomUUID(),
) => publishEvent(nc, nats.settingsFor('labeling'), contract, payload, msgId);

/** The durable consumer of each labeling event (their positions are what a restart resumes from). */
const LABELING_DURABLES = Object.values(LabelingEvents).flatMap((value) =>
  'kind' in value && value.kind === 'event' ? [value.consumers.profiles!] : [],
);

const ref = (project: ProjectCreatedEvent, title = project.title) => ({ id: project.projectId, title });

async function startService(): Promise<void> {
  app ??= await startProfilesService(profilesTestConfig(db.url, nats));
}

async function stopService(): Promise<void> {
  await app?.close();
  app = undefined;
}

/**
 * Resolves once every labeling consumer exists (the service creates them in the background) and
 * has handled (and acknowledged) everything published so far; a handler that keeps failing never
 * gets there, and the test times out.
 */
async function settled(timeoutMs = 15_000): Promise<void> {
  const jsm = await jetstreamManager(owner);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const infos = await Promise.all(
      LABELING_DURABLES.map((durable) =>
        jsm.consumers.info(LabelingEvents.stream.name, durable).catch((error: unknown) => ({
          durable,
          notYet: String(error),
        })),
      ),
    );
    if (infos.every((info) => !('notYet' in info) && info.num_pending === 0 && info.num_ack_pending === 0))
      return;
    if (Date.now() > deadline) throw new Error(`labeling consumers still busy: ${JSON.stringify(infos)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const contributions = (userIds: number[], organizationId = ORG, limit?: number) =>
  client.request(ProfilesSubjects.listContributions, {
    organizationId,
    userIds,
    ...(limit === undefined ? {} : { limit }),
  });
const contributionsOf = async (userId: number, organizationId = ORG) => {
  const [one] = await contributions([userId], organizationId);
  return { created: one.createdProjects, contributed: one.contributedToProjects };
};
const counts = (userId: number, organizationId = ORG) =>
  client.request(ProfilesSubjects.countContributions, { organizationId, userId });

async function tableRows(table: 'labeling_project' | 'labeling_annotation'): Promise<unknown[]> {
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    return (await pg.query(`SELECT * FROM ${table} ORDER BY 1`)).rows;
  } finally {
    await pg.end();
  }
}

beforeAll(async () => {
  db = await createTestDatabase('profiles_labeling');
  nats = await TestNatsServer.start();
  client = new BusClient(nats.settingsFor('gateway', 5_000));
  await client.connect();
  nc = await connectAs(nats, 'labeling');
  // Created by its owner before the service first starts, so events can wait for it.
  owner = await connectAs(nats, 'profiles');
  await ensureStream(owner, LabelingEvents.stream);
});

afterAll(async () => {
  await stopService();
  await client?.close();
  await nc?.drain();
  await owner?.drain();
  await nats?.dispose();
  await db?.drop();
});

describe('catching up on labeling events', () => {
  it('builds the lists from events published while it was down, in whatever order they come', async () => {
    const creator = newId();
    const annotator = newId();
    const cats = projectCreated({ createdBy: creator, title: 'Cats' });
    const gone = projectCreated({ createdBy: creator, title: 'Gone' });
    // Newest last in time, but published first: each event type has its own consumer.
    await publish(LabelingEvents.annotationCreated, annotationCreated(cats.projectId, annotator));
    await publish(
      LabelingEvents.projectUpdated,
      projectUpdated(cats.projectId, { title: 'Cats v2', occurredAt: T2 }),
    );
    await publish(LabelingEvents.projectDeleted, projectDeleted(gone.projectId));
    await publish(LabelingEvents.annotationCreated, annotationCreated(gone.projectId, annotator));
    await publish(LabelingEvents.projectCreated, gone);
    await publish(LabelingEvents.projectCreated, cats);
    expect(app).toBeUndefined();

    await startService();
    await settled();

    expect(await contributionsOf(creator)).toEqual({ created: [ref(cats, 'Cats v2')], contributed: [] });
    expect(await contributionsOf(annotator)).toEqual({ created: [], contributed: [ref(cats, 'Cats v2')] });
    expect(await counts(annotator)).toEqual({ contributedProjectsCount: 1, annotationsCount: 1 });
  });

  it('resumes after a restart with what was published while stopped', async () => {
    await startService();
    await stopService();
    const project = projectCreated();
    await publish(LabelingEvents.projectCreated, project);
    await startService();
    await settled();
    expect((await contributionsOf(project.createdBy)).created).toEqual([ref(project)]);
  });
});

describe('handling labeling events', () => {
  beforeAll(startService);

  it('changes nothing when events are delivered again', async () => {
    const annotator = newId();
    const project = projectCreated();
    const annotation = annotationCreated(project.projectId, annotator);
    const rename = projectUpdated(project.projectId, { title: 'Renamed' });
    const removed = annotationCreated(project.projectId, annotator);
    const removal = annotationDeleted(removed);
    const events = async () => {
      await publish(LabelingEvents.projectCreated, project);
      await publish(LabelingEvents.annotationCreated, annotation);
      await publish(LabelingEvents.projectUpdated, rename);
      await publish(LabelingEvents.annotationCreated, removed);
      await publish(LabelingEvents.annotationDeleted, removal);
    };
    await events();
    await settled();
    const lists = await contributions([project.createdBy, annotator]);
    const annotatorCounts = await counts(annotator);
    const projects = await tableRows('labeling_project');
    const annotations = await tableRows('labeling_annotation');

    await events();
    await events();
    // The same message id again: JetStream drops it, which must not matter either.
    await publish(LabelingEvents.annotationCreated, annotation, annotation.eventId);
    await publish(LabelingEvents.annotationCreated, annotation, annotation.eventId);
    await settled();

    expect(await contributions([project.createdBy, annotator])).toEqual(lists);
    expect(await counts(annotator)).toEqual(annotatorCounts);
    expect(annotatorCounts).toEqual({ contributedProjectsCount: 1, annotationsCount: 1 });
    expect(await tableRows('labeling_project')).toEqual(projects);
    expect(await tableRows('labeling_annotation')).toEqual(annotations);
  });

  it('counts an annotation that arrived before its project once the project is known', async () => {
    const annotator = newId();
    const project = projectCreated();
    await publish(LabelingEvents.annotationCreated, annotationCreated(project.projectId, annotator));
    await settled();
    expect(await contributionsOf(annotator)).toEqual({ created: [], contributed: [] });
    expect(await counts(annotator)).toEqual({ contributedProjectsCount: 0, annotationsCount: 0 });

    await publish(LabelingEvents.projectCreated, project);
    await settled();
    expect(await contributionsOf(annotator)).toEqual({ created: [], contributed: [ref(project)] });
    expect(await counts(annotator)).toEqual({ contributedProjectsCount: 1, annotationsCount: 1 });
  });

  it('keeps the newest title whatever order the creation and the updates arrive in', async () => {
    const project = projectCreated({ title: 'First', occurredAt: T0 });
    await publish(
      LabelingEvents.projectUpdated,
      projectUpdated(project.projectId, { title: 'Newest', occurredAt: T2 }),
    );
    await publish(
      LabelingEvents.projectUpdated,
      projectUpdated(project.projectId, { title: 'Older', occurredAt: T1 }),
    );
    await publish(LabelingEvents.projectCreated, project);
    await settled();
    expect((await contributionsOf(project.createdBy)).created).toEqual([ref(project, 'Newest')]);

    await publish(
      LabelingEvents.projectUpdated,
      projectUpdated(project.projectId, { title: 'Later still', occurredAt: '2025-06-01T12:00:00.000001Z' }),
    );
    await settled();
    expect((await contributionsOf(project.createdBy)).created).toEqual([ref(project, 'Later still')]);
  });

  it('decides between two updates of the same instant the same way in either order', async () => {
    const creator = newId();
    const first = projectCreated({ createdBy: creator });
    const second = projectCreated({ createdBy: creator });
    const a = { eventId: 'aaaaaaaa-0000-0000-0000-000000000000', occurredAt: T1, title: 'A' };
    const b = { eventId: 'bbbbbbbb-0000-0000-0000-000000000000', occurredAt: T1, title: 'B' };
    await publish(LabelingEvents.projectCreated, first);
    await publish(LabelingEvents.projectCreated, second);
    await publish(LabelingEvents.projectUpdated, projectUpdated(first.projectId, a));
    await publish(LabelingEvents.projectUpdated, projectUpdated(first.projectId, b));
    await publish(LabelingEvents.projectUpdated, projectUpdated(second.projectId, b));
    await publish(LabelingEvents.projectUpdated, projectUpdated(second.projectId, a));
    await settled();
    expect((await contributionsOf(creator)).created).toEqual([ref(first, 'B'), ref(second, 'B')]);
  });

  it('never brings back a project deleted before its creation arrived', async () => {
    const annotator = newId();
    const project = projectCreated();
    await publish(LabelingEvents.projectDeleted, projectDeleted(project.projectId));
    await settled();
    await publish(LabelingEvents.projectCreated, project);
    await publish(LabelingEvents.projectUpdated, projectUpdated(project.projectId, { occurredAt: T2 }));
    await publish(LabelingEvents.annotationCreated, annotationCreated(project.projectId, annotator));
    await settled();
    expect(await contributionsOf(project.createdBy)).toEqual({ created: [], contributed: [] });
    expect(await contributionsOf(annotator)).toEqual({ created: [], contributed: [] });
    expect(await counts(annotator)).toEqual({ contributedProjectsCount: 0, annotationsCount: 0 });
  });

  it('drops a deleted project and its annotations from every list and count', async () => {
    const annotator = newId();
    const project = projectCreated({ createdBy: annotator });
    const kept = projectCreated();
    await publish(LabelingEvents.projectCreated, project);
    await publish(LabelingEvents.projectCreated, kept);
    await publish(LabelingEvents.annotationCreated, annotationCreated(project.projectId, annotator));
    await publish(LabelingEvents.annotationCreated, annotationCreated(kept.projectId, annotator));
    await settled();
    expect(await counts(annotator)).toEqual({ contributedProjectsCount: 2, annotationsCount: 2 });

    await publish(LabelingEvents.projectDeleted, projectDeleted(project.projectId));
    await settled();
    // A redelivered creation after the deletion changes nothing.
    await publish(LabelingEvents.projectCreated, project);
    await settled();
    expect(await contributionsOf(annotator)).toEqual({ created: [], contributed: [ref(kept)] });
    expect(await counts(annotator)).toEqual({ contributedProjectsCount: 1, annotationsCount: 1 });
  });

  it('never brings back an annotation deleted before its creation arrived', async () => {
    const annotator = newId();
    const project = projectCreated();
    const annotation = annotationCreated(project.projectId, annotator);
    await publish(LabelingEvents.projectCreated, project);
    await publish(LabelingEvents.annotationDeleted, annotationDeleted(annotation));
    await settled();
    await publish(LabelingEvents.annotationCreated, annotation);
    await settled();
    expect(await contributionsOf(annotator)).toEqual({ created: [], contributed: [] });
    expect(await counts(annotator)).toEqual({ contributedProjectsCount: 0, annotationsCount: 0 });
  });

  it('counts distinct projects and every live annotation of the user', async () => {
    const annotator = newId();
    const someoneElse = newId();
    const cats = projectCreated();
    const dogs = projectCreated();
    const annotations = [
      annotationCreated(cats.projectId, annotator),
      annotationCreated(cats.projectId, annotator),
      annotationCreated(cats.projectId, annotator),
      annotationCreated(dogs.projectId, annotator),
      annotationCreated(dogs.projectId, someoneElse),
    ];
    await publish(LabelingEvents.projectCreated, cats);
    await publish(LabelingEvents.projectCreated, dogs);
    for (const annotation of annotations) await publish(LabelingEvents.annotationCreated, annotation);
    await publish(LabelingEvents.annotationDeleted, annotationDeleted(annotations[0]));
    await settled();

    expect(await counts(annotator)).toEqual({ contributedProjectsCount: 2, annotationsCount: 3 });
    expect(await counts(someoneElse)).toEqual({ contributedProjectsCount: 1, annotationsCount: 1 });
    expect((await contributionsOf(annotator)).contributed).toEqual([ref(cats), ref(dogs)]);

    await publish(LabelingEvents.annotationDeleted, annotationDeleted(annotations[3]));
    await settled();
    expect(await counts(annotator)).toEqual({ contributedProjectsCount: 1, annotationsCount: 2 });
    expect((await contributionsOf(annotator)).contributed).toEqual([ref(cats)]);
  });

  it('keeps each organization to its own projects', async () => {
    const user = newId();
    const ours = projectCreated({ createdBy: user, organizationId: ORG });
    const theirs = projectCreated({ createdBy: user, organizationId: OTHER_ORG });
    const theirsToo = projectCreated({ organizationId: OTHER_ORG });
    await publish(LabelingEvents.projectCreated, ours);
    await publish(LabelingEvents.projectCreated, theirs);
    await publish(LabelingEvents.projectCreated, theirsToo);
    await publish(LabelingEvents.annotationCreated, annotationCreated(ours.projectId, user));
    await publish(LabelingEvents.annotationCreated, annotationCreated(theirsToo.projectId, user));
    await publish(LabelingEvents.annotationCreated, annotationCreated(theirsToo.projectId, user));
    await settled();

    expect(await contributionsOf(user, ORG)).toEqual({ created: [ref(ours)], contributed: [ref(ours)] });
    expect(await contributionsOf(user, OTHER_ORG)).toEqual({
      created: [ref(theirs)],
      contributed: [ref(theirsToo)],
    });
    expect(await counts(user, ORG)).toEqual({ contributedProjectsCount: 1, annotationsCount: 1 });
    expect(await counts(user, OTHER_ORG)).toEqual({ contributedProjectsCount: 1, annotationsCount: 2 });
    expect(await counts(user, 999)).toEqual({ contributedProjectsCount: 0, annotationsCount: 0 });
  });

  it('skips malformed events instead of retrying them forever', async () => {
    const project = projectCreated();
    await jetstream(nc).publish(
      LabelingEvents.projectCreated.subject,
      JSON.stringify({ ...project, projectId: 'seven' }),
      { msgID: randomUUID() },
    );
    await jetstream(nc).publish(
      LabelingEvents.projectCreated.subject,
      JSON.stringify({ ...project, occurredAt: 'yesterday' }),
      { msgID: randomUUID() },
    );
    await jetstream(nc).publish(
      LabelingEvents.projectCreated.subject,
      JSON.stringify({ ...project, eventId: undefined }),
      { msgID: randomUUID() },
    );
    await jetstream(nc).publish(
      LabelingEvents.annotationCreated.subject,
      new TextEncoder().encode('not json {'),
    );
    await settled();
    expect((await contributionsOf(project.createdBy)).created).toEqual([]);

    await publish(LabelingEvents.projectCreated, project);
    await settled();
    expect((await contributionsOf(project.createdBy)).created).toEqual([ref(project)]);
  });
});

describe('contribution requests', () => {
  beforeAll(startService);

  it('answers one entry per requested user, in the order asked, lists ordered by project id', async () => {
    const [ann, bob, nobody] = [newId(), newId(), newId()];
    const [earlierId, laterId] = [newId(), newId()];
    // Published in the opposite order of their ids.
    const later = projectCreated({ createdBy: ann, projectId: laterId });
    const earlier = projectCreated({ createdBy: ann, projectId: earlierId });
    const bobs = projectCreated({ createdBy: bob });
    for (const project of [later, earlier, bobs]) await publish(LabelingEvents.projectCreated, project);
    await publish(LabelingEvents.annotationCreated, annotationCreated(later.projectId, bob));
    await publish(LabelingEvents.annotationCreated, annotationCreated(earlier.projectId, bob));
    await settled();

    expect(await contributions([nobody, bob, ann, bob])).toEqual([
      { userId: nobody, createdProjects: [], contributedToProjects: [] },
      { userId: bob, createdProjects: [ref(bobs)], contributedToProjects: [ref(earlier), ref(later)] },
      { userId: ann, createdProjects: [ref(earlier), ref(later)], contributedToProjects: [] },
      { userId: bob, createdProjects: [ref(bobs)], contributedToProjects: [ref(earlier), ref(later)] },
    ]);
    expect(await contributions([ann, bob], ORG, 1)).toEqual([
      { userId: ann, createdProjects: [ref(earlier)], contributedToProjects: [] },
      { userId: bob, createdProjects: [ref(bobs)], contributedToProjects: [ref(earlier)] },
    ]);
    expect(await contributions([])).toEqual([]);
  });

  it('refuses malformed requests as VALIDATION_FAILED', async () => {
    const tooMany = Array.from({ length: 1001 }, (_, i) => i + 1);
    expect((await busErrorOf(contributions(tooMany))).code).toBe(ErrorCode.ValidationFailed);
    expect((await busErrorOf(contributions([1], ORG, 0))).code).toBe(ErrorCode.ValidationFailed);
    const noOrganization = { userIds: [1] } as unknown as { organizationId: number; userIds: number[] };
    expect((await busErrorOf(client.request(ProfilesSubjects.listContributions, noOrganization))).code).toBe(
      ErrorCode.ValidationFailed,
    );
    const badUser = { organizationId: ORG, userId: -1 };
    expect((await busErrorOf(client.request(ProfilesSubjects.countContributions, badUser))).code).toBe(
      ErrorCode.ValidationFailed,
    );
    // The service checks too, whatever a sender's client let through.
    const gateway = await RawBus.connect(nats, 'gateway');
    try {
      for (const [subject, payload] of [
        [ProfilesSubjects.listContributions.subject, { organizationId: ORG, userIds: tooMany }],
        [ProfilesSubjects.listContributions.subject, { organizationId: ORG, userIds: [1], limit: 0 }],
        [ProfilesSubjects.listContributions.subject, noOrganization],
        [ProfilesSubjects.countContributions.subject, badUser],
      ] as const) {
        expect((await gateway.failureOf(subject, payload)).code).toBe(ErrorCode.ValidationFailed);
      }
    } finally {
      await gateway.close();
    }
  });
});
