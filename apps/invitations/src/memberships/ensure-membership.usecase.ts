import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ErrorCode, InvitationsEvents, MembershipContextDto } from '@app/contracts';
import { fail, ServiceError } from '@app/bus';
import { OutboxRelay, recordEvent } from '@app/database';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { SignupSettings } from '../config';
import { sameInviteToken } from '../organizations/invite-token';
import { OrganizationEntity } from '../organizations/organization.entity';
import { OrganizationRepository } from '../organizations/organization.repository';
import { recordMembershipsChanged } from '../read-model/user-memberships.projection';
import { SIGNUP_SETTINGS } from '../signup/authorize-signup.usecase';
import { decideSignup } from '../signup/signup-policy';
import { SignupTicket, SignupTicketRepository } from '../signup/signup-ticket.repository';
import { BusCaller, EnsureMembershipInput } from './membership-requests.schema';
import { MembershipRepository } from './membership.repository';
import { toMembershipContext } from './membership.mapper';
import { UserContextRepository } from './user-context.repository';
import { MembershipsAccess } from './memberships.access';

/** Label Studio's `save_user`: the first account founds this organization. */
export const FIRST_ORGANIZATION_TITLE = 'Label Studio';

export interface EnsureMembershipOptions {
  /** This call completes a web signup (the gateway's), so it is the one recorded as 'signup'. */
  auditSignup?: boolean;
}

/**
 * Puts a new account into its organization. Called by the signup flow and, durably, for every
 * `user.registered` event, so it is idempotent: a repeat changes nothing.
 */
@Injectable()
export class EnsureMembershipUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationRepository,
    private readonly memberships: MembershipRepository,
    private readonly contexts: UserContextRepository,
    private readonly access: MembershipsAccess,
    private readonly audit: AuditLogRepository,
    @Inject(SIGNUP_SETTINGS) private readonly settings: SignupSettings,
    private readonly relay: OutboxRelay,
    private readonly tickets: SignupTicketRepository,
  ) {}

  async execute(
    input: EnsureMembershipInput,
    caller?: BusCaller,
    options: EnsureMembershipOptions = {},
  ): Promise<MembershipContextDto> {
    if (typeof caller === 'number') {
      // A user may only bring others into an organization they are an active member of.
      if (
        input.organizationId === null ||
        !(await this.access.isActiveMember(input.organizationId, caller))
      ) {
        fail(ErrorCode.NotFound, 'Organization not found');
      }
    }
    let viaInvite = !!input.inviteToken;
    try {
      const context = await this.dataSource.transaction(async (manager) => {
        await this.contexts.lockUser(manager, input.userId);
        if (await this.contexts.isRemoved(manager, input.userId)) fail(ErrorCode.NotFound, 'User not found');
        let organization: OrganizationEntity;
        if (input.ticket) {
          const ticket = await this.tickets.lock(manager, input.ticket);
          viaInvite = !!ticket?.inviteDigest;
          organization = await this.claim(manager, ticket, input);
        } else {
          organization = await this.organizationToJoin(manager, input);
        }
        await this.memberships.addIfAbsent(manager, input.userId, organization.id);
        if (input.setActiveOrganization)
          await this.contexts.activateIfUnset(manager, input.userId, organization.id);
        await recordMembershipsChanged(manager, [input.userId]);
        if (options.auditSignup) {
          await this.audit.record(
            {
              action: 'signup',
              subjectUserId: input.userId,
              details: { organizationId: organization.id, viaInvite },
            },
            manager,
          );
        }
        const active = await this.contexts.activeOrganizations([input.userId], manager);
        return toMembershipContext(input.userId, active.get(input.userId) ?? null);
      });
      this.relay.kick();
      return context;
    } catch (error) {
      if (error instanceof ServiceError && error.code === ErrorCode.SignupForbidden) {
        if (input.ticket) await this.refuse(input.ticket, input.userId);
        await this.audit.record({
          action: 'signup.refused',
          subjectUserId: input.userId,
          details: { organizationId: input.organizationId, viaInvite, reason: 'invite link no longer valid' },
        });
      }
      throw error;
    }
  }

  /**
   * The web signup's membership: only by claiming its ticket, for one account. The organization is
   * the ticket's; a ticket issued for a link is honoured only while the organization's link is
   * still that one, read under the share lock a reset waits for. A repeat by the same account (the
   * gateway's call and the registration event both arrive) finds its own claim and changes nothing.
   */
  private async claim(
    manager: EntityManager,
    ticket: SignupTicket | null,
    input: EnsureMembershipInput,
  ): Promise<OrganizationEntity> {
    if (ticket?.state === 'claimed' && ticket.userId === input.userId && ticket.organizationId !== null) {
      return (
        (await this.organizations.findById(ticket.organizationId, manager)) ??
        fail(ErrorCode.NotFound, 'Organization not found')
      );
    }
    if (!ticket || ticket.state !== 'issued') return this.refusal(!!ticket?.inviteDigest);
    let organization: OrganizationEntity;
    if (ticket.inviteDigest) {
      const locked =
        ticket.organizationId === null
          ? null
          : await this.organizations.lock(manager, ticket.organizationId, 'share');
      if (!locked || !sameInviteToken(ticket.inviteDigest, locked.tokenDigest)) return this.refusal(true);
      organization = locked;
    } else {
      organization = await this.organizationToJoin(manager, {
        ...input,
        organizationId: ticket.organizationId,
        inviteToken: undefined,
      });
    }
    await this.tickets.settle(manager, ticket.id, 'claimed', input.userId, organization.id);
    return organization;
  }

  /**
   * Records a refused ticket, and the fact for identity, which deletes the account made with it.
   * Durable: whether the gateway that asked is still there or not, the account does not stay.
   */
  private async refuse(ticketId: string, userId: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const ticket = await this.tickets.lock(manager, ticketId);
      // Claimed meanwhile by this account (the link came back): it stays.
      if (ticket?.state === 'claimed' && ticket.userId === userId) return;
      if (ticket?.state === 'refused' && ticket.userId === userId) return;
      if (ticket?.state === 'issued') await this.tickets.settle(manager, ticketId, 'refused', userId);
      await recordEvent(manager, InvitationsEvents.signupRefused, {
        userId,
        ticket: ticketId,
        occurredAt: new Date().toISOString(),
      });
    });
    this.relay.kick();
  }

  private refusal(viaInvite: boolean): never {
    const decision = decideSignup({
      restricted: this.settings.disableSignupWithoutLink,
      invite: viaInvite ? { kind: 'invalid' } : { kind: 'none' },
      firstOrganizationId: null,
    });
    return fail(ErrorCode.SignupForbidden, decision.allowed ? 'Signup refused' : decision.message);
  }

  private async organizationToJoin(
    manager: EntityManager,
    input: EnsureMembershipInput,
  ): Promise<OrganizationEntity> {
    if (input.inviteToken) return this.organizationOfInvite(manager, input.organizationId, input.inviteToken);
    if (input.organizationId !== null) {
      return (
        (await this.organizations.findById(input.organizationId, manager)) ??
        fail(ErrorCode.NotFound, 'Organization not found')
      );
    }
    // Without the lock two concurrent first signups would each see no organization and found two.
    await this.organizations.lockFounding(manager);
    return (
      (await this.organizations.findFirst(manager)) ??
      (await this.organizations.create(manager, FIRST_ORGANIZATION_TITLE, {
        userId: input.userId,
        email: input.email,
      }))
    );
  }

  /**
   * The link was valid when the signup was authorized, but a reset may have committed since. The
   * row is read under a share lock that a reset's update lock waits for: from here to the commit
   * the token cannot change, so the membership is added only while the link is still valid.
   */
  private async organizationOfInvite(
    manager: EntityManager,
    organizationId: number | null,
    inviteToken: string,
  ): Promise<OrganizationEntity> {
    const organization =
      organizationId === null ? null : await this.organizations.lock(manager, organizationId, 'share');
    if (organization && sameInviteToken(inviteToken, organization.token)) return organization;
    const decision = decideSignup({
      restricted: this.settings.disableSignupWithoutLink,
      invite: { kind: 'invalid' },
      firstOrganizationId: null,
    });
    return fail(ErrorCode.SignupForbidden, decision.allowed ? 'Signup refused' : decision.message);
  }
}
