import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import { InvitationsSubjects, PrincipalDto } from '@app/contracts';
import { BusClient } from '@app/bus';
import { ApiAuthGuard } from '../auth/auth.guard';
import { CurrentPrincipal } from '../auth/principal';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { methodNotAllowed } from '../errors/api-error';
import { parseId } from '../http/input';
import { BodySchema } from '../openapi/body-schema';
import { organizationChangeSchema, parseOrganizationChange } from './organization-input';
import {
  renderInviteLink,
  renderOrganization,
  renderOrganizationListItem,
  scriptPrefixOf,
} from './organization-representation';

/**
 * Label Studio's organization API and invite link. `/api/invite`, `/api/invite/reset-token` and
 * `/api/organizations/{id}` answer only without a trailing slash (the slash forms are refused by
 * the trailing-slash middleware); `/api/organizations/` answers in both forms.
 */
@Controller()
@UseGuards(ApiAuthGuard)
export class OrganizationsController {
  constructor(
    private readonly bus: BusClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The link of the caller's active organization; the script prefix is stripped (Label Studio). */
  @Get('api/invite')
  async invite(@CurrentPrincipal() caller: PrincipalDto) {
    const link = await this.bus.request(
      InvitationsSubjects.getInviteLink,
      { userId: caller.userId },
      { caller: caller.userId },
    );
    return renderInviteLink(link);
  }

  /** "Reset Link": the old link is refused from now on. Body ignored. */
  @Post('api/invite/reset-token')
  @HttpCode(201)
  async resetInvite(@CurrentPrincipal() caller: PrincipalDto) {
    const link = await this.bus.request(
      InvitationsSubjects.resetInviteLink,
      { userId: caller.userId },
      { caller: caller.userId },
    );
    return renderInviteLink(link, scriptPrefixOf(this.config.publicHost));
  }

  /** A plain array (not paginated) of the organizations the caller is an active member of. */
  @Get(['api/organizations', 'api/organizations/'])
  async list(@CurrentPrincipal() caller: PrincipalDto) {
    const organizations = await this.bus.request(
      InvitationsSubjects.listOrganizations,
      { userId: caller.userId },
      { caller: caller.userId },
    );
    return organizations.map(renderOrganizationListItem);
  }

  @Get('api/organizations/:id')
  async get(@CurrentPrincipal() caller: PrincipalDto, @Param('id') rawId: string) {
    const organization = await this.bus.request(
      InvitationsSubjects.getOrganization,
      { organizationId: parseId(rawId) },
      { caller: caller.userId },
    );
    return renderOrganization(organization);
  }

  @Patch('api/organizations/:id')
  @BodySchema(organizationChangeSchema(false))
  update(@CurrentPrincipal() caller: PrincipalDto, @Param('id') rawId: string, @Body() body: unknown) {
    return this.change(caller, rawId, body, false);
  }

  /** Allowed though undocumented in Label Studio: a full update, so `title` is required. */
  @Put('api/organizations/:id')
  @BodySchema(organizationChangeSchema(true))
  replace(@CurrentPrincipal() caller: PrincipalDto, @Param('id') rawId: string, @Body() body: unknown) {
    return this.change(caller, rawId, body, true);
  }

  @Delete('api/organizations/:id')
  remove(): never {
    throw methodNotAllowed('DELETE');
  }

  private async change(caller: PrincipalDto, rawId: string, body: unknown, full: boolean) {
    const organizationId = parseId(rawId);
    // Who may change it is decided first: a stranger learns nothing from validation errors.
    await this.bus.request(
      InvitationsSubjects.getOrganization,
      { organizationId },
      { caller: caller.userId },
    );
    const change = parseOrganizationChange(organizationId, body, { full });
    const organization = await this.bus.request(InvitationsSubjects.updateOrganization, change, {
      caller: caller.userId,
    });
    return renderOrganization(organization);
  }
}
