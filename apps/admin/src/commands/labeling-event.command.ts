import { Command, CommandRunner, Option } from 'nest-commander';
import { jsonLine } from '../cli/json-line';
import { Terminal } from '../cli/terminal';
import { LABELING_EVENT_KINDS, LabelingEventOptions } from '../labeling/labeling-event-input';
import { PublishLabelingEventUseCase } from '../labeling/publish-labeling-event.usecase';

@Command({
  name: 'labeling_event',
  aliases: ['labeling-event'],
  arguments: '<type>',
  argsDescription: { type: LABELING_EVENT_KINDS.join(' | ') },
  description:
    'Development: publish a labeling backend event (project or annotation) to JetStream, so the ' +
    'People page lists can be tried without a labeling backend; prints what was published as JSON',
})
export class LabelingEventCommand extends CommandRunner {
  constructor(
    private readonly publish: PublishLabelingEventUseCase,
    private readonly terminal: Terminal,
  ) {
    super();
  }

  async run([type]: string[], options: LabelingEventOptions = {}): Promise<void> {
    this.terminal.out(jsonLine(await this.publish.execute(type, options)));
  }

  @Option({ flags: '--project <id>', description: 'the project id' })
  parseProject(value: string): string {
    return value;
  }

  @Option({ flags: '--organization <id>', description: "the project's organization (project_created)" })
  parseOrganization(value: string): string {
    return value;
  }

  @Option({ flags: '--title <title>', description: 'the project title (project_created, project_updated)' })
  parseTitle(value: string): string {
    return value;
  }

  @Option({
    flags: '--user <id>',
    description: 'the creator (project_created) or the annotating user (annotation_created)',
  })
  parseUser(value: string): string {
    return value;
  }

  @Option({
    flags: '--annotation <id>',
    description: 'the annotation id (annotation_created, annotation_deleted)',
  })
  parseAnnotation(value: string): string {
    return value;
  }

  @Option({
    flags: '--event-id <id>',
    description:
      'the event id, also the JetStream message id (default: a new UUID); the same id again ' +
      'within 10 minutes is dropped as a duplicate',
  })
  parseEventId(value: string): string {
    return value;
  }

  @Option({
    flags: '--occurred-at <iso>',
    description: 'when it happened, ISO 8601 with a zone (default: now)',
  })
  parseOccurredAt(value: string): string {
    return value;
  }
}
