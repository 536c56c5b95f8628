import { MessagePattern, Payload } from '@nestjs/microservices';
import { ContributionCountsDto, ContributionsDto, ProfilesSubjects } from '@app/contracts';
import { BusController, parseRequest } from '@app/bus';
import { CountContributionsUseCase } from './count-contributions.usecase';
import { ListContributionsUseCase } from './list-contributions.usecase';

@BusController()
export class ContributionsHandler {
  constructor(
    private readonly listContributions: ListContributionsUseCase,
    private readonly countContributions: CountContributionsUseCase,
  ) {}

  @MessagePattern(ProfilesSubjects.listContributions.subject)
  async list(@Payload() payload: unknown): Promise<ContributionsDto[]> {
    return this.listContributions.execute(parseRequest(ProfilesSubjects.listContributions, payload));
  }

  @MessagePattern(ProfilesSubjects.countContributions.subject)
  async count(@Payload() payload: unknown): Promise<ContributionCountsDto> {
    return this.countContributions.execute(parseRequest(ProfilesSubjects.countContributions, payload));
  }
}
