import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Res,
  UseGuards,
} from '@nestjs/common';
import { Response } from 'express';
import { z } from 'zod';
import {
  ErrorCode,
  IdentitySubjects,
  InvitationsSubjects,
  PrincipalDto,
  ProfilesSubjects,
} from '@app/contracts';
import { BusClient, BusError } from '@app/bus';
import { ApiAuthGuard } from '../auth/auth.guard';
import { CurrentPrincipal } from '../auth/principal';
import { ApiError, forbidden, methodNotAllowed } from '../errors/api-error';
import { booleanField, charField, parseBody, parseId } from '../http/input';
import { BodySchema } from '../openapi/body-schema';
import { UserDirectory } from './user-directory';
import { whoamiBody } from './whoami';
import { GatewayReadModel } from '../read-model/gateway-read-model';

const hotkeys = z.record(z.string(), z.unknown(), { invalid_type_error: 'Expected a dictionary of items.' });

const updateSchema = z.object({
  first_name: charField().optional(),
  last_name: charField().optional(),
  username: charField().optional(),
  phone: charField().optional(),
  allow_newsletters: booleanField.nullable().optional(),
  custom_hotkeys: hotkeys.optional(),
});

const createSchema = updateSchema.extend({
  email: z
    .string({ required_error: 'This field is required.', invalid_type_error: 'Enter a valid email address.' })
    .trim()
    .max(256, 'Ensure this field has no more than 256 characters.')
    .email('Enter a valid email address.'),
  username: charField(),
});

/**
 * Label Studio's current-user and users API (`/api/current-user/*`, `/api/users/`). Slash-terminated
 * routes also answer without the slash; `whoami` and `token` answer only without it.
 */
@Controller()
@UseGuards(ApiAuthGuard)
export class UsersController {
  constructor(
    private readonly bus: BusClient,
    private readonly directory: UserDirectory,
    private readonly model: GatewayReadModel,
  ) {}

  @Get('api/current-user/whoami')
  async whoami(@CurrentPrincipal() caller: PrincipalDto) {
    return whoamiBody(await this.directory.renderSelf(caller));
  }

  @Get('api/current-user/token')
  token(@CurrentPrincipal() caller: PrincipalDto) {
    return this.bus.request(IdentitySubjects.getOwnToken, {}, { caller: caller.userId });
  }

  @Post(['api/current-user/reset-token', 'api/current-user/reset-token/'])
  @HttpCode(201)
  async resetToken(@CurrentPrincipal() caller: PrincipalDto) {
    const reply = await this.bus.request(IdentitySubjects.resetOwnToken, {}, { caller: caller.userId });
    // The old token is refused here, and the new one accepted, before the answer leaves.
    this.model.replaceToken(caller.userId, reply.token);
    return reply;
  }

  /** Label Studio >= 1.20: the caller's hotkeys (anything unreadable stored reads as `{}`). */
  @Get(['api/current-user/hotkeys', 'api/current-user/hotkeys/'])
  async hotkeys(@CurrentPrincipal() caller: PrincipalDto) {
    const profile = await this.bus.request(
      ProfilesSubjects.getProfile,
      { userId: caller.userId },
      { caller: caller.userId },
    );
    const stored = profile.customHotkeys;
    const readable = typeof stored === 'object' && stored !== null && !Array.isArray(stored);
    return { custom_hotkeys: readable ? stored : {} };
  }

  /**
   * Replaces the caller's hotkeys after Label Studio's checks. Its refusal is plain JSON, not the
   * error envelope: 400 `{"error": "Invalid hotkeys configuration", "details": {field: [messages]}}`.
   */
  @Patch(['api/current-user/hotkeys', 'api/current-user/hotkeys/'])
  async setHotkeys(
    @CurrentPrincipal() caller: PrincipalDto,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const invalid = (details: Record<string, string[]>) => {
      res.status(400);
      return { error: 'Invalid hotkeys configuration', details };
    };
    const hotkeys = (body as Record<string, unknown> | undefined)?.custom_hotkeys;
    if (body === null || typeof body !== 'object' || hotkeys === undefined) {
      return invalid({ custom_hotkeys: ['This field is required.'] });
    }
    try {
      const profile = await this.bus.request(
        ProfilesSubjects.updateProfile,
        { userId: caller.userId, customHotkeys: hotkeys as Record<string, unknown> },
        { caller: caller.userId },
      );
      return { custom_hotkeys: profile.customHotkeys };
    } catch (error) {
      if (error instanceof BusError && error.code === ErrorCode.ValidationFailed && error.fields) {
        return invalid(error.fields);
      }
      throw error;
    }
  }

  @Get(['api/users', 'api/users/'])
  async list(@CurrentPrincipal() caller: PrincipalDto) {
    const ctx = await this.directory.context(caller.userId);
    if (!ctx.activeOrganization) return [];
    const members = await this.directory.members(ctx.activeOrganization.id, caller.userId);
    return this.directory.render(members, caller.userId);
  }

  /** An account without a password in the caller's organization (it cannot log in until one is set). */
  @Post(['api/users', 'api/users/'])
  @HttpCode(201)
  @BodySchema(createSchema)
  async create(@CurrentPrincipal() caller: PrincipalDto, @Body() body: unknown) {
    const input = parseBody(createSchema, body);
    const organizationId = await this.directory.activeOrganizationId(caller.userId);
    const account = await this.bus.request(
      IdentitySubjects.createAccount,
      { email: input.email, username: input.username, organizationId },
      { caller: caller.userId },
    );
    // The account's registration event also creates these; doing it now makes the reply complete.
    await Promise.all([
      this.bus.request(
        InvitationsSubjects.ensureMembership,
        { userId: account.id, email: account.email, organizationId, setActiveOrganization: false },
        { caller: caller.userId },
      ),
      this.bus.request(
        ProfilesSubjects.updateProfile,
        {
          userId: account.id,
          firstName: input.first_name,
          lastName: input.last_name,
          phone: input.phone,
          allowNewsletters: input.allow_newsletters,
          customHotkeys: input.custom_hotkeys,
        },
        { caller: caller.userId },
      ),
    ]);
    return this.directory.renderOne(account.id, caller.userId);
  }

  @Get(['api/users/:id', 'api/users/:id/'])
  get(@CurrentPrincipal() caller: PrincipalDto, @Param('id') rawId: string) {
    return this.directory.renderOne(parseId(rawId), caller.userId);
  }

  /**
   * A member edits only themself; the organization owner may edit members. `email` is read-only:
   * its presence refuses the whole request before anything is saved (Label Studio saved the rest).
   */
  @Patch(['api/users/:id', 'api/users/:id/'])
  @BodySchema(updateSchema)
  async update(@CurrentPrincipal() caller: PrincipalDto, @Param('id') rawId: string, @Body() body: unknown) {
    const userId = parseId(rawId);
    const organizationId = await this.directory.activeOrganizationId(caller.userId);
    await this.directory.member(organizationId, userId, caller.userId);
    if (userId !== caller.userId && !(await this.isOwner(caller))) throw forbidden();
    if (body && typeof body === 'object' && 'email' in body) {
      throw new ApiError(405, 'Cannot update read-only field: email');
    }
    const input = parseBody(updateSchema, body);
    const profileChange = {
      firstName: input.first_name,
      lastName: input.last_name,
      phone: input.phone,
      allowNewsletters: input.allow_newsletters,
      customHotkeys: input.custom_hotkeys,
    };
    if (Object.values(profileChange).some((v) => v !== undefined)) {
      await this.bus.request(
        ProfilesSubjects.updateProfile,
        { userId, ...profileChange },
        { caller: caller.userId },
      );
    }
    if (input.username !== undefined) {
      await this.bus.request(
        IdentitySubjects.updateAccount,
        { userId, username: input.username },
        { caller: caller.userId },
      );
    }
    return this.directory.renderOne(userId, caller.userId);
  }

  /** Hard delete: only the organization owner, never themself. */
  @Delete(['api/users/:id', 'api/users/:id/'])
  @HttpCode(204)
  async remove(@CurrentPrincipal() caller: PrincipalDto, @Param('id') rawId: string): Promise<void> {
    const userId = parseId(rawId);
    const organizationId = await this.directory.activeOrganizationId(caller.userId);
    await this.directory.member(organizationId, userId, caller.userId);
    if (userId === caller.userId || !(await this.isOwner(caller))) throw forbidden();
    await this.bus.request(IdentitySubjects.deleteAccount, { userId }, { caller: caller.userId });
    this.model.deactivate(userId);
  }

  @Put(['api/users', 'api/users/', 'api/users/:id', 'api/users/:id/'])
  put(): never {
    throw methodNotAllowed('PUT');
  }

  private async isOwner(caller: PrincipalDto): Promise<boolean> {
    const ctx = await this.directory.context(caller.userId);
    return ctx.activeOrganization?.ownerEmail === caller.email;
  }
}
