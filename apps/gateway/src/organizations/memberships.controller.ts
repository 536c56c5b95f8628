import { Controller, Delete, Get, HttpCode, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { Request, Response } from 'express';
import { ErrorCode, InvitationsSubjects, MemberDto, PrincipalDto } from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { AuthGuard } from '../auth/auth.guard';
import { CurrentPrincipal } from '../auth/principal';
import { forbidden, notFound } from '../errors/api-error';
import { parseId } from '../http/input';
import { UserDirectory } from '../users/user-directory';
import { ListMembershipsUseCase, ProjectList } from './list-memberships.usecase';
import { projectListsRequested } from './organization-input';
import { RemoveMembershipUseCase } from './remove-membership.usecase';
import { absoluteRequestUrl } from './request-url';

const NO_MEMBER = 'No OrganizationMember matches the given query.';

/** Projects arrive with a later issue: until then "asked for" is an empty list. */
const projectLists = (raw: unknown): (() => ProjectList) => {
  const requested = projectListsRequested(raw);
  return () => (requested ? [] : null);
};

/**
 * The People page API. The list answers only without a trailing slash; a single membership
 * answers in both forms (Label Studio's routes).
 */
@Controller()
@UseGuards(AuthGuard)
export class MembershipsController {
  constructor(
    private readonly bus: BusClient,
    private readonly directory: UserDirectory,
    private readonly listMemberships: ListMembershipsUseCase,
    private readonly removeMembership: RemoveMembershipUseCase,
  ) {}

  @Get('api/organizations/:id/memberships')
  list(
    @CurrentPrincipal() caller: PrincipalDto,
    @Param('id') rawId: string,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
  ) {
    const organizationId = parseId(rawId);
    const projects = projectLists(query.contributed_to_projects);
    return this.listMemberships.execute(
      organizationId,
      caller.userId,
      query,
      absoluteRequestUrl(req),
      projects,
    );
  }

  /** Only from within the organization the caller has active (Label Studio's `OrganizationMemberMixin`). */
  @Get(['api/organizations/:id/memberships/:userId', 'api/organizations/:id/memberships/:userId/'])
  async get(
    @CurrentPrincipal() caller: PrincipalDto,
    @Param('id') rawId: string,
    @Param('userId') rawUserId: string,
    @Query() query: Record<string, unknown>,
  ) {
    const organizationId = parseId(rawId);
    const userId = parseId(rawUserId);
    const projects = projectLists(query.contributed_to_projects);
    const context = await this.directory.context(caller.userId);
    if (context.activeOrganization?.id !== organizationId) throw forbidden();
    const member = await this.member(organizationId, userId, caller.userId);
    return {
      user: member.userId,
      organization: member.organizationId,
      contributed_projects_count: 0,
      annotations_count: 0,
      created_at: member.createdAt,
      created_projects: projects(),
      contributed_to_projects: projects(),
    };
  }

  /** Soft delete. Removing oneself is a 405 with a bare `{detail}` body, as in Label Studio. */
  @Delete(['api/organizations/:id/memberships/:userId', 'api/organizations/:id/memberships/:userId/'])
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() caller: PrincipalDto,
    @Param('id') rawId: string,
    @Param('userId') rawUserId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ detail: string } | undefined> {
    const organizationId = parseId(rawId);
    const userId = parseId(rawUserId);
    try {
      await this.removeMembership.execute(organizationId, userId, caller.userId);
      return undefined;
    } catch (error) {
      if (!(error instanceof BusError && error.code === ErrorCode.MethodNotAllowed)) throw error;
      res.status(405);
      return { detail: error.message };
    }
  }

  private async member(organizationId: number, userId: number, callerId: number): Promise<MemberDto> {
    try {
      return await this.bus.request(
        InvitationsSubjects.getMember,
        { organizationId, userId },
        { caller: callerId },
      );
    } catch (error) {
      if (error instanceof BusError && error.code === ErrorCode.NotFound) throw notFound(NO_MEMBER);
      throw error;
    }
  }
}
