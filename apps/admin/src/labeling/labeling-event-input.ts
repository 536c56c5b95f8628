import { z } from 'zod';
import { EventContract, LabelingEventBase, LabelingEvents, PayloadOf } from '@app/contracts';
import { CliError } from '../cli/cli-error';

/** The command's words for the labeling backend's events. */
export const LABELING_EVENT_KINDS = [
  'project_created',
  'project_updated',
  'project_deleted',
  'annotation_created',
  'annotation_deleted',
] as const;
export type LabelingEventKind = (typeof LABELING_EVENT_KINDS)[number];

/** The options as commander hands them over: text, checked here. */
export interface LabelingEventOptions {
  project?: string;
  organization?: string;
  title?: string;
  user?: string;
  annotation?: string;
  eventId?: string;
  occurredAt?: string;
}

type Field = 'project' | 'organization' | 'title' | 'user' | 'annotation';
const FIELDS: Field[] = ['project', 'organization', 'title', 'user', 'annotation'];

interface Values {
  project: number;
  organization: number;
  title: string;
  user: number;
  annotation: number;
}

export interface LabelingEventMessage {
  kind: LabelingEventKind;
  contract: EventContract;
  payload: LabelingEventBase;
}

/** Ties a payload to its contract, so each kind's payload is checked against its event type. */
const message = <C extends EventContract>(
  kind: LabelingEventKind,
  contract: C,
  payload: PayloadOf<C> & LabelingEventBase,
): LabelingEventMessage => ({ kind, contract, payload });

/** What each kind needs (every option listed is required; any other is refused). */
const KINDS: Record<
  LabelingEventKind,
  { fields: Field[]; build: (base: LabelingEventBase, v: Values) => LabelingEventMessage }
> = {
  project_created: {
    fields: ['project', 'organization', 'title', 'user'],
    build: (base, v) =>
      message('project_created', LabelingEvents.projectCreated, {
        ...base,
        projectId: v.project,
        organizationId: v.organization,
        title: v.title,
        createdBy: v.user,
      }),
  },
  project_updated: {
    fields: ['project', 'title'],
    build: (base, v) =>
      message('project_updated', LabelingEvents.projectUpdated, {
        ...base,
        projectId: v.project,
        title: v.title,
      }),
  },
  project_deleted: {
    fields: ['project'],
    build: (base, v) =>
      message('project_deleted', LabelingEvents.projectDeleted, { ...base, projectId: v.project }),
  },
  annotation_created: {
    fields: ['annotation', 'project', 'user'],
    build: (base, v) =>
      message('annotation_created', LabelingEvents.annotationCreated, {
        ...base,
        annotationId: v.annotation,
        projectId: v.project,
        completedBy: v.user,
      }),
  },
  annotation_deleted: {
    fields: ['annotation', 'project'],
    build: (base, v) =>
      message('annotation_deleted', LabelingEvents.annotationDeleted, {
        ...base,
        annotationId: v.annotation,
        projectId: v.project,
      }),
  },
};

const MAX_ID = 2_147_483_647;
/** What profiles accepts (a longer title would be skipped there as malformed). */
const MAX_TITLE = 1000;
const MAX_EVENT_ID = 200;
const isoDateTime = z.string().datetime({ offset: true });

const refuse = (message: string): never => {
  throw new CliError(`error: ${message}`);
};

function idOf(option: string, text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= MAX_ID)) {
    refuse(`--${option} must be a whole number from 1 to ${MAX_ID} (got ${JSON.stringify(text)})`);
  }
  return value;
}

function titleOf(text: string): string {
  if (text.length > MAX_TITLE) refuse(`--title may have at most ${MAX_TITLE} characters`);
  if (/[\u0000-\u001f\u007f]/.test(text)) refuse('--title may not contain control characters');
  return text;
}

function eventIdOf(text: string | undefined, fresh: () => string): string {
  if (text === undefined) return fresh();
  if (!/^\S+$/.test(text) || text.length > MAX_EVENT_ID) {
    refuse(`--event-id must be 1 to ${MAX_EVENT_ID} characters without spaces`);
  }
  return text;
}

function occurredAtOf(text: string | undefined, now: () => Date): string {
  if (text === undefined) return now().toISOString();
  if (!isoDateTime.safeParse(text).success) {
    refuse(
      `--occurred-at must be an ISO 8601 date and time with a zone, e.g. 2026-01-31T12:00:00Z (got ${JSON.stringify(text)})`,
    );
  }
  return text;
}

export interface LabelingEventDefaults {
  now: () => Date;
  eventId: () => string;
}

/**
 * Builds the event a command line describes, or refuses it with one line before anything is
 * published: an unknown kind, a missing or inapplicable option, a malformed value.
 */
export function labelingEventOf(
  kind: string,
  options: LabelingEventOptions,
  defaults: LabelingEventDefaults,
): LabelingEventMessage {
  if (!(LABELING_EVENT_KINDS as readonly string[]).includes(kind)) {
    refuse(`unknown labeling event ${JSON.stringify(kind)}; use one of ${LABELING_EVENT_KINDS.join(', ')}`);
  }
  const spec = KINDS[kind as LabelingEventKind];
  for (const field of FIELDS) {
    const given = options[field] !== undefined;
    if (spec.fields.includes(field) && !given) refuse(`${kind} needs --${field}`);
    if (!spec.fields.includes(field) && given) refuse(`--${field} does not apply to ${kind}`);
  }
  const values = {} as Values;
  if (options.project !== undefined) values.project = idOf('project', options.project);
  if (options.organization !== undefined) values.organization = idOf('organization', options.organization);
  if (options.user !== undefined) values.user = idOf('user', options.user);
  if (options.annotation !== undefined) values.annotation = idOf('annotation', options.annotation);
  if (options.title !== undefined) values.title = titleOf(options.title);
  const base: LabelingEventBase = {
    eventId: eventIdOf(options.eventId, defaults.eventId),
    occurredAt: occurredAtOf(options.occurredAt, defaults.now),
  };
  return spec.build(base, values);
}
