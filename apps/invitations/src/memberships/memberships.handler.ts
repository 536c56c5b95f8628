import { MessagePattern, Payload } from '@nestjs/microservices';
import { InvitationsSubjects, MemberDto, MembershipContextDto, RemoveMemberReply } from '@app/contracts';
import { BusController, Caller, parseRequest } from '@app/bus';
import { EnsureMembershipUseCase } from './ensure-membership.usecase';
import { GetContextsUseCase } from './get-contexts.usecase';
import { GetMembersUseCase } from './get-members.usecase';
import { RemoveMemberUseCase } from './remove-member.usecase';

@BusController()
export class MembershipsHandler {
  constructor(
    private readonly ensureMembership: EnsureMembershipUseCase,
    private readonly contexts: GetContextsUseCase,
    private readonly members: GetMembersUseCase,
    private readonly removeMember: RemoveMemberUseCase,
  ) {}

  @MessagePattern(InvitationsSubjects.ensureMembership.subject)
  ensure(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<MembershipContextDto> {
    // The web signup is the one call without a caller (POST /api/users/ names its user).
    return this.ensureMembership.execute(
      parseRequest(InvitationsSubjects.ensureMembership, payload),
      caller,
      {
        auditSignup: caller === undefined,
      },
    );
  }

  /** The operator's `create_user`: any organization, no caller to check. */
  @MessagePattern(InvitationsSubjects.operatorEnsureMembership.subject)
  operatorEnsure(@Payload() payload: unknown): Promise<MembershipContextDto> {
    return this.ensureMembership.execute(
      parseRequest(InvitationsSubjects.operatorEnsureMembership, payload),
      'admin',
    );
  }

  @MessagePattern(InvitationsSubjects.getContext.subject)
  getContext(@Payload() payload: unknown): Promise<MembershipContextDto> {
    return this.contexts.get(parseRequest(InvitationsSubjects.getContext, payload).userId);
  }

  @MessagePattern(InvitationsSubjects.listContexts.subject)
  listContexts(@Payload() payload: unknown): Promise<MembershipContextDto[]> {
    return this.contexts.list(parseRequest(InvitationsSubjects.listContexts, payload).userIds);
  }

  @MessagePattern(InvitationsSubjects.listMembers.subject)
  listMembers(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<MemberDto[]> {
    return this.members.list(parseRequest(InvitationsSubjects.listMembers, payload).organizationId, caller);
  }

  @MessagePattern(InvitationsSubjects.getMember.subject)
  getMember(@Payload() payload: unknown, @Caller() caller: number | undefined): Promise<MemberDto> {
    const { organizationId, userId } = parseRequest(InvitationsSubjects.getMember, payload);
    return this.members.get(organizationId, userId, caller);
  }

  @MessagePattern(InvitationsSubjects.removeMember.subject)
  removeFromOrganization(
    @Payload() payload: unknown,
    @Caller() caller: number | undefined,
  ): Promise<RemoveMemberReply> {
    const { organizationId, userId } = parseRequest(InvitationsSubjects.removeMember, payload);
    return this.removeMember.execute(organizationId, userId, caller);
  }
}
