import { MessagePattern, Payload } from '@nestjs/microservices';
import { InvitationsSubjects, OrganizationDto } from '@app/contracts';
import { BusController, Caller, parsePayload } from '@app/bus';
import { BusCaller } from '../memberships/membership-requests.schema';
import {
  getOrganizationSchema,
  listOrganizationsSchema,
  updateOrganizationSchema,
} from './organization-requests.schema';
import { ReadOrganizationsUseCase } from './read-organizations.usecase';
import { UpdateOrganizationUseCase } from './update-organization.usecase';

@BusController()
export class OrganizationsHandler {
  constructor(
    private readonly read: ReadOrganizationsUseCase,
    private readonly updateOrganization: UpdateOrganizationUseCase,
  ) {}

  @MessagePattern(InvitationsSubjects.listOrganizations.subject)
  list(@Payload() payload: unknown, @Caller() caller: BusCaller): Promise<OrganizationDto[]> {
    return this.read.list(parsePayload(listOrganizationsSchema, payload).userId, caller);
  }

  @MessagePattern(InvitationsSubjects.getOrganization.subject)
  get(@Payload() payload: unknown, @Caller() caller: BusCaller): Promise<OrganizationDto> {
    return this.read.get(parsePayload(getOrganizationSchema, payload).organizationId, caller);
  }

  @MessagePattern(InvitationsSubjects.updateOrganization.subject)
  update(@Payload() payload: unknown, @Caller() caller: BusCaller): Promise<OrganizationDto> {
    return this.updateOrganization.execute(parsePayload(updateOrganizationSchema, payload), caller);
  }
}
