import { Controller, Delete, Get, HttpCode, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { Request, Response } from 'express';
import { ErrorCode, PrincipalDto } from '@app/contracts';
import { BusError } from '@app/bus';
import { ApiAuthGuard } from '../auth/auth.guard';
import { CurrentPrincipal } from '../auth/principal';
import { parseId } from '../http/input';
import { GetMembershipUseCase } from './get-membership.usecase';
import { ListMembershipsUseCase } from './list-memberships.usecase';
import { projectListsRequested } from './organization-input';
import { RemoveMembershipUseCase } from './remove-membership.usecase';
import { absoluteRequestUrl } from './request-url';

/**
 * The People page API. The list answers only without a trailing slash; a single membership
 * answers in both forms (Label Studio's routes).
 */
@Controller()
@UseGuards(ApiAuthGuard)
export class MembershipsController {
  constructor(
    private readonly listMemberships: ListMembershipsUseCase,
    private readonly getMembership: GetMembershipUseCase,
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
    const projects = projectListsRequested(query.contributed_to_projects);
    return this.listMemberships.execute(
      organizationId,
      caller.userId,
      query,
      absoluteRequestUrl(req),
      projects,
    );
  }

  @Get(['api/organizations/:id/memberships/:userId', 'api/organizations/:id/memberships/:userId/'])
  get(
    @CurrentPrincipal() caller: PrincipalDto,
    @Param('id') rawId: string,
    @Param('userId') rawUserId: string,
    @Query() query: Record<string, unknown>,
  ) {
    const organizationId = parseId(rawId);
    const userId = parseId(rawUserId);
    const projects = projectListsRequested(query.contributed_to_projects);
    return this.getMembership.execute(organizationId, userId, caller.userId, projects);
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
}
