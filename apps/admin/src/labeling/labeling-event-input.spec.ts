import { LabelingEvents } from '@app/contracts';
import { AdminBus } from '../bus/admin-bus';
import { CliError } from '../cli/cli-error';
import { labelingEventOf, LabelingEventOptions } from './labeling-event-input';
import { PublishLabelingEventUseCase } from './publish-labeling-event.usecase';

const NOW = new Date('2026-01-31T12:00:00.000Z');
const defaults = { now: () => NOW, eventId: () => 'generated-id' };

const refusalOf = (kind: string, options: LabelingEventOptions): string => {
  try {
    labelingEventOf(kind, options, defaults);
  } catch (error) {
    if (error instanceof CliError) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('labeling_event input', () => {
  it('builds project_created with the contract’s field names, a fresh id and now', () => {
    const message = labelingEventOf(
      'project_created',
      { project: '7', organization: '1', title: 'Cats', user: '2' },
      defaults,
    );
    expect(message.contract).toBe(LabelingEvents.projectCreated);
    expect(message.payload).toEqual({
      eventId: 'generated-id',
      occurredAt: '2026-01-31T12:00:00.000Z',
      projectId: 7,
      organizationId: 1,
      title: 'Cats',
      createdBy: 2,
    });
  });

  it.each([
    [
      'project_updated',
      { project: '7', title: 'Dogs' },
      LabelingEvents.projectUpdated,
      { projectId: 7, title: 'Dogs' },
    ],
    ['project_deleted', { project: '7' }, LabelingEvents.projectDeleted, { projectId: 7 }],
    [
      'annotation_created',
      { annotation: '31', project: '7', user: '3' },
      LabelingEvents.annotationCreated,
      { annotationId: 31, projectId: 7, completedBy: 3 },
    ],
    [
      'annotation_deleted',
      { annotation: '31', project: '7' },
      LabelingEvents.annotationDeleted,
      { annotationId: 31, projectId: 7 },
    ],
  ])('builds %s', (kind, options, contract, fields) => {
    const message = labelingEventOf(kind, options, defaults);
    expect(message.contract).toBe(contract);
    expect(message.payload).toEqual({ eventId: 'generated-id', occurredAt: NOW.toISOString(), ...fields });
  });

  it('keeps a given event id and time as they are (a replay of an earlier event)', () => {
    const message = labelingEventOf(
      'project_deleted',
      { project: '7', eventId: 'evt-1', occurredAt: '2025-06-01T10:00:00.123456+02:00' },
      defaults,
    );
    expect(message.payload).toEqual({
      eventId: 'evt-1',
      occurredAt: '2025-06-01T10:00:00.123456+02:00',
      projectId: 7,
    });
  });

  it.each<[string, LabelingEventOptions, string]>([
    ['project_archived', { project: '7' }, 'error: unknown labeling event "project_archived"'],
    [
      'project_created',
      { project: '7', title: 'Cats', user: '2' },
      'error: project_created needs --organization',
    ],
    ['annotation_created', { annotation: '31', project: '7' }, 'error: annotation_created needs --user'],
    ['project_deleted', { project: '7', title: 'Cats' }, 'error: --title does not apply to project_deleted'],
    ['project_deleted', { project: 'seven' }, 'error: --project must be a whole number from 1 to 2147483647'],
    ['project_deleted', { project: '0' }, 'error: --project must be a whole number'],
    ['project_deleted', { project: '-3' }, 'error: --project must be a whole number'],
    ['project_deleted', { project: '2147483648' }, 'error: --project must be a whole number'],
    ['project_deleted', { project: '1.5' }, 'error: --project must be a whole number'],
    ['annotation_deleted', { annotation: '', project: '7' }, 'error: --annotation must be a whole number'],
    ['project_updated', { project: '7', title: 'x'.repeat(1001) }, 'error: --title may have at most 1000'],
    ['project_updated', { project: '7', title: 'a\nb' }, 'error: --title may not contain control characters'],
    ['project_deleted', { project: '7', eventId: '' }, 'error: --event-id must be 1 to 200 characters'],
    ['project_deleted', { project: '7', eventId: 'a b' }, 'error: --event-id must be 1 to 200 characters'],
    [
      'project_deleted',
      { project: '7', occurredAt: 'yesterday' },
      'error: --occurred-at must be an ISO 8601',
    ],
    ['project_deleted', { project: '7', occurredAt: '2026-01-31T12:00:00' }, 'error: --occurred-at must be'],
  ])('refuses %s %j with one line', (kind, options, start) => {
    const line = refusalOf(kind, options);
    expect(line.startsWith(start)).toBe(true);
    expect(line).not.toContain('\n');
  });
});

describe('PublishLabelingEventUseCase', () => {
  const busWith = () => {
    const publish = jest.fn(async () => ({ stream: 'LABELING', seq: 4, duplicate: false }));
    return { bus: { publish } as unknown as AdminBus, publish };
  };

  it('publishes to the LABELING stream with the event id as message id, and says where it landed', async () => {
    const { bus, publish } = busWith();
    const published = await new PublishLabelingEventUseCase(bus).execute('annotation_created', {
      annotation: '31',
      project: '7',
      user: '3',
      eventId: 'evt-31',
    });
    const event = {
      eventId: 'evt-31',
      occurredAt: expect.any(String),
      annotationId: 31,
      projectId: 7,
      completedBy: 3,
    };
    expect(publish).toHaveBeenCalledWith(LabelingEvents.annotationCreated, event, 'evt-31');
    expect(LabelingEvents.annotationCreated.stream).toMatchObject({
      name: 'LABELING',
      subjects: 'labeling.events.>',
    });
    expect(published).toEqual({
      published: 'annotation_created',
      subject: 'labeling.events.annotation.created.v1',
      stream: 'LABELING',
      seq: 4,
      duplicate: false,
      event,
    });
  });

  it('publishes nothing when the input is refused', async () => {
    const { bus, publish } = busWith();
    await expect(
      new PublishLabelingEventUseCase(bus).execute('project_created', { project: '7' }),
    ).rejects.toBeInstanceOf(CliError);
    expect(publish).not.toHaveBeenCalled();
  });
});
