import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  Empty,
  InvitationsSubjects,
  MemberDto,
  MembershipContextDto,
  RemoveMemberReply,
} from '@app/contracts';
import { BusController, Caller, parsePayload } from '@app/bus';
import { EnsureMembershipUseCase } from './ensure-membership.usecase';
import { GetContextsUseCase } from './get-contexts.usecase';
import { GetMembersUseCase } from './get-members.usecase';
import {
  BusCaller,
  contextListSchema,
  contextSchema,
  ensureMembershipSchema,
  getMemberSchema,
  listMembersSchema,
  removeMemberSchema,
  removeUserSchema,
} from './membership-requests.schema';
import { RemoveMemberUseCase } from './remove-member.usecase';
import { RemoveUserUseCase } from './remove-user.usecase';

@BusController()
export class MembershipsHandler {
  constructor(
    private readonly ensureMembership: EnsureMembershipUseCase,
    private readonly contexts: GetContextsUseCase,
    private readonly members: GetMembersUseCase,
    private readonly removeUser: RemoveUserUseCase,
    private readonly removeMember: RemoveMemberUseCase,
  ) {}

  @MessagePattern(InvitationsSubjects.ensureMembership.subject)
  ensure(@Payload() payload: unknown, @Caller() caller: BusCaller): Promise<MembershipContextDto> {
    // The web signup is the one call without a caller (POST /api/users/ names its user).
    return this.ensureMembership.execute(parsePayload(ensureMembershipSchema, payload), caller, {
      auditSignup: caller === undefined,
    });
  }

  @MessagePattern(InvitationsSubjects.getContext.subject)
  getContext(@Payload() payload: unknown): Promise<MembershipContextDto> {
    return this.contexts.get(parsePayload(contextSchema, payload).userId);
  }

  @MessagePattern(InvitationsSubjects.listContexts.subject)
  listContexts(@Payload() payload: unknown): Promise<MembershipContextDto[]> {
    return this.contexts.list(parsePayload(contextListSchema, payload).userIds);
  }

  @MessagePattern(InvitationsSubjects.listMembers.subject)
  listMembers(@Payload() payload: unknown, @Caller() caller: BusCaller): Promise<MemberDto[]> {
    return this.members.list(parsePayload(listMembersSchema, payload).organizationId, caller);
  }

  @MessagePattern(InvitationsSubjects.getMember.subject)
  getMember(@Payload() payload: unknown, @Caller() caller: BusCaller): Promise<MemberDto> {
    const { organizationId, userId } = parsePayload(getMemberSchema, payload);
    return this.members.get(organizationId, userId, caller);
  }

  @MessagePattern(InvitationsSubjects.removeUser.subject)
  remove(@Payload() payload: unknown): Promise<Empty> {
    return this.removeUser.execute(parsePayload(removeUserSchema, payload).userId);
  }

  @MessagePattern(InvitationsSubjects.removeMember.subject)
  removeFromOrganization(
    @Payload() payload: unknown,
    @Caller() caller: BusCaller,
  ): Promise<RemoveMemberReply> {
    const { organizationId, userId } = parsePayload(removeMemberSchema, payload);
    return this.removeMember.execute(organizationId, userId, caller);
  }
}
