import { MessagePattern, Payload } from '@nestjs/microservices';
import { InvitationsSubjects, OrganizationDto } from '@app/contracts';
import { BusController, Caller, parseRequest } from '@app/bus';
import { ReadOrganizationsUseCase } from './read-organizations.usecase';
import { UpdateOrganizationUseCase } from './update-organization.usecase';

@BusController()
export class OrganizationsHandler {
  constructor(
    private readonly read: ReadOrganizationsUseCase,
    private readonly updateOrganization: UpdateOrganizationUseCase,
  ) {}

  @MessagePattern(InvitationsSubjects.listOrganizations.subject)
  list(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<OrganizationDto[]> {
    return this.read.list(parseRequest(InvitationsSubjects.listOrganizations, payload).userId, caller);
  }

  @MessagePattern(InvitationsSubjects.getOrganization.subject)
  get(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<OrganizationDto> {
    return this.read.get(parseRequest(InvitationsSubjects.getOrganization, payload).organizationId, caller);
  }

  @MessagePattern(InvitationsSubjects.updateOrganization.subject)
  update(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<OrganizationDto> {
    return this.updateOrganization.execute(
      parseRequest(InvitationsSubjects.updateOrganization, payload),
      caller,
    );
  }
}
