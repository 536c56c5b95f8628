import { Inject, Injectable } from '@nestjs/common';
import { AuthorizeSignupReply, ErrorCode } from '@app/contracts';
import { fail } from '@app/bus';
import { SignupSettings } from '../config';
import { OrganizationRepository } from '../organizations/organization.repository';
import { decideSignup, InviteMatch, readInviteToken } from './signup-policy';

export const SIGNUP_SETTINGS = Symbol('SIGNUP_SETTINGS');

/** The organization lookups the signup decision needs (the repository in production). */
export type SignupOrganizations = Pick<OrganizationRepository, 'findByInviteToken' | 'findFirst'>;

/** The one place that decides whether a signup may happen and which organization it joins. */
@Injectable()
export class AuthorizeSignupUseCase {
  constructor(
    @Inject(OrganizationRepository) private readonly organizations: SignupOrganizations,
    @Inject(SIGNUP_SETTINGS) private readonly settings: SignupSettings,
  ) {}

  async execute(inviteToken: unknown): Promise<AuthorizeSignupReply> {
    const invite = await this.matchInvite(inviteToken);
    const restricted = this.settings.disableSignupWithoutLink;
    const firstOrganizationId =
      invite.kind === 'none' && !restricted ? ((await this.organizations.findFirst())?.id ?? null) : null;
    const decision = decideSignup({ restricted, invite, firstOrganizationId });
    return decision.allowed
      ? { organizationId: decision.organizationId }
      : fail(ErrorCode.SignupForbidden, decision.message);
  }

  private async matchInvite(value: unknown): Promise<InviteMatch> {
    const read = readInviteToken(value);
    if (read.kind !== 'given') return read;
    const organization = await this.organizations.findByInviteToken(read.token);
    return organization ? { kind: 'valid', organizationId: organization.id } : { kind: 'invalid' };
  }
}
