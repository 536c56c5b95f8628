import { z } from 'zod';
import { event, request, returns, stream } from '../contract';
import { idSchema, isoDateSchema, normalisedEmailSchema, userIdListSchema } from '../schemas';
import { IsoDate, OrganizationRefDto } from '../users';

export interface AuthorizeSignupReply {
  /** The organization the new account joins; null when none exists yet (the first account founds it). */
  organizationId: number | null;
}
export interface SignupTicketReply extends AuthorizeSignupReply {
  /**
   * What the allowed signup may claim once, for the account it makes: its organization and the
   * link it was allowed with are kept by invitations, not carried by anyone else.
   */
  ticket: string;
}
export interface MembershipContextDto {
  userId: number;
  activeOrganization: OrganizationRefDto | null;
}
export interface MemberDto {
  /** The membership row's id (Label Studio's `OrganizationMember.id`). */
  id: number;
  userId: number;
  organizationId: number;
  deletedAt: IsoDate | null;
  createdAt: IsoDate;
}
export interface InviteLinkDto {
  organizationId: number;
  /** The invite token; the link is `/user/signup/?token=<token>`. */
  token: string;
}
/** Label Studio's `OrganizationSerializer` fields. */
export interface OrganizationDto {
  id: number;
  title: string;
  token: string;
  createdAt: IsoDate;
  updatedAt: IsoDate;
  contactInfo: string | null;
  createdBy: number | null;
  /** Member user ids, soft-deleted included. */
  users: number[];
}
/** Label Studio's `JWTSettings` of the caller's active organization. */
export interface TokenSettingsDto {
  organizationId: number;
  apiTokensEnabled: boolean;
  legacyApiTokensEnabled: boolean;
}
export interface RemoveMemberReply {
  /** Non-deleted memberships the user still has; 0 means they may no longer sign in. */
  remainingActiveMemberships: number;
}

// The token's format is judged by the use-case: a bad link is SIGNUP_FORBIDDEN, not a validation error.
const authorizeSignupSchema = z.object({ inviteToken: z.unknown().optional() });

const ensureMembershipSchema = z.object({
  userId: idSchema,
  // Identity validated and normalised the address.
  email: normalisedEmailSchema,
  organizationId: idSchema.nullable(),
  setActiveOrganization: z.boolean(),
  /**
   * The `?token=` the web signup was authorized with. When given, the link is checked again in
   * the same transaction that adds the membership: a signup racing a link reset is refused
   * (SIGNUP_FORBIDDEN) unless it completed before the reset.
   */
  inviteToken: z.string().max(256).optional(),
  /**
   * The web signup's ticket (`invitations.signup.ticket.v1`): the membership is made only by
   * claiming it, with the link it was issued for checked again under the organization's lock; the
   * organization is the ticket's. A ticket is claimed by one account only.
   */
  ticket: z.string().uuid().optional(),
});
export type EnsureMembershipRequest = z.input<typeof ensureMembershipSchema>;

const NO_CONTROL = /^[^\p{Cc}]*$/u;

/**
 * An invitation token a member chooses (`PATCH /api/organizations/{id}`, as Label Studio allows)
 * is a secret like a generated one: at least 22 URL-safe characters (132 bits if random), so a
 * weak link cannot be set by hand. Generated tokens have 40 characters of 62 (about 238 bits).
 */
export const CHOSEN_INVITE_TOKEN_MIN_LENGTH = 22;
export function chosenInviteTokenProblem(token: string): string | undefined {
  if (token.length < CHOSEN_INVITE_TOKEN_MIN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    return `Ensure this field has at least ${CHOSEN_INVITE_TOKEN_MIN_LENGTH} characters, each a letter, a digit, "-" or "_".`;
  }
  return undefined;
}

/**
 * The writable fields of Label Studio's `OrganizationSerializer` (the invite token included, as
 * there); `created_by` and anything else never reach the database. The gateway checks the same
 * rules with Label Studio's field names and messages; these are the service's own floor.
 */
const updateOrganizationSchema = z.object({
  organizationId: idSchema,
  title: z
    .string()
    .trim()
    .min(1, 'This field may not be blank.')
    .max(1000, 'Ensure this field has no more than 1000 characters.')
    .regex(NO_CONTROL, 'Control characters are not allowed.')
    .optional(),
  contactInfo: z
    .union([z.literal(''), z.string().trim().max(254).email('Enter a valid email address.')])
    .nullable()
    .optional(),
  token: z
    .string()
    .max(256, 'Ensure this field has no more than 256 characters.')
    .superRefine((token, ctx) => {
      const problem = chosenInviteTokenProblem(token);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    })
    .optional(),
});
export type UpdateOrganizationRequest = z.input<typeof updateOrganizationSchema>;

/** The caller's active organization's link (`/api/invite`), or one the caller is a member of. */
const inviteLinkSchema = z
  .object({ userId: idSchema.optional(), organizationId: idSchema.optional() })
  .refine((value) => value.userId === undefined || value.organizationId === undefined, {
    message: 'Give userId or organizationId, not both.',
  });
/** The operator's: a given organization's link, or the first organization's. */
const operatorInviteLinkSchema = z.object({ organizationId: idSchema.optional() });

const userIdSchema = z.object({ userId: idSchema });
/** The switches to change; one left out keeps its value (the gateway parsed Label Studio's boolean words). */
const updateTokenSettingsSchema = z.object({
  apiTokensEnabled: z.boolean().optional(),
  legacyApiTokensEnabled: z.boolean().optional(),
});
const organizationMemberSchema = z.object({ organizationId: idSchema, userId: idSchema });

export const InvitationsSubjects = {
  authorizeSignup: request({
    subject: 'invitations.signup.authorize.v1',
    schema: authorizeSignupSchema,
    reply: returns<AuthorizeSignupReply>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  /** The web signup's decision (as authorizeSignup), recorded as a ticket its account claims. */
  issueSignupTicket: request({
    subject: 'invitations.signup.ticket.v1',
    schema: authorizeSignupSchema,
    reply: returns<SignupTicketReply>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  ensureMembership: request({
    subject: 'invitations.membership.ensure.v1',
    schema: ensureMembershipSchema,
    reply: returns<MembershipContextDto>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  getContext: request({
    subject: 'invitations.context.get.v1',
    schema: userIdSchema,
    reply: returns<MembershipContextDto>(),
    from: ['gateway', 'admin'],
    servedBy: 'invitations',
  }),
  listContexts: request({
    subject: 'invitations.context.list.v1',
    schema: z.object({ userIds: userIdListSchema }),
    reply: returns<MembershipContextDto[]>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  listMembers: request({
    subject: 'invitations.member.list.v1',
    schema: z.object({ organizationId: idSchema }),
    reply: returns<MemberDto[]>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  getMember: request({
    subject: 'invitations.member.get.v1',
    schema: organizationMemberSchema,
    reply: returns<MemberDto>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  getInviteLink: request({
    subject: 'invitations.invite-link.get.v1',
    schema: inviteLinkSchema,
    reply: returns<InviteLinkDto>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  resetInviteLink: request({
    subject: 'invitations.invite-link.reset.v1',
    schema: inviteLinkSchema,
    reply: returns<InviteLinkDto>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  listOrganizations: request({
    subject: 'invitations.organization.list.v1',
    schema: userIdSchema,
    reply: returns<OrganizationDto[]>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  getOrganization: request({
    subject: 'invitations.organization.get.v1',
    schema: z.object({ organizationId: idSchema }),
    reply: returns<OrganizationDto>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  updateOrganization: request({
    subject: 'invitations.organization.update.v1',
    schema: updateOrganizationSchema,
    reply: returns<OrganizationDto>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  /** Soft delete (Label Studio's rules: owner only, active organization only, not self). */
  removeMember: request({
    subject: 'invitations.member.remove.v1',
    schema: organizationMemberSchema,
    reply: returns<RemoveMemberReply>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),

  /** The caller's active organization's token settings (`GET /api/jwt/settings`). */
  getTokenSettings: request({
    subject: 'invitations.token-settings.get.v1',
    schema: z.object({}).strict(),
    reply: returns<TokenSettingsDto>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),
  /** Any member of the active organization may change them, as in Label Studio Community. */
  updateTokenSettings: request({
    subject: 'invitations.token-settings.update.v1',
    schema: updateTokenSettingsSchema,
    reply: returns<TokenSettingsDto>(),
    from: ['gateway'],
    servedBy: 'invitations',
  }),

  // The operator's (`label-studio …`): only the admin credentials may send these.
  operatorEnsureMembership: request({
    subject: 'invitations.operator.membership.ensure.v1',
    schema: ensureMembershipSchema,
    reply: returns<MembershipContextDto>(),
    from: ['admin'],
    servedBy: 'invitations',
  }),
  operatorGetInviteLink: request({
    subject: 'invitations.operator.invite-link.get.v1',
    schema: operatorInviteLinkSchema,
    reply: returns<InviteLinkDto>(),
    from: ['admin'],
    servedBy: 'invitations',
  }),
  operatorResetInviteLink: request({
    subject: 'invitations.operator.invite-link.reset.v1',
    schema: operatorInviteLinkSchema,
    reply: returns<InviteLinkDto>(),
    from: ['admin'],
    servedBy: 'invitations',
  }),
} as const;

const INVITATIONS_STREAM = stream({
  name: 'INVITATIONS',
  subjects: 'invitations.events.>',
  owner: 'invitations',
  signed: true,
});

const memberRemovedSchema = z.object({
  organizationId: idSchema,
  userId: idSchema,
  removedBy: idSchema.nullable(),
  remainingActiveMemberships: z.number().int().min(0),
  occurredAt: isoDateSchema,
});
export type MemberRemovedEvent = z.input<typeof memberRemovedSchema>;

const signupRefusedSchema = z.object({
  userId: idSchema,
  /** The ticket the account was registered with: identity deletes only an account made with it. */
  ticket: z.string().uuid(),
  occurredAt: isoDateSchema,
});
export type SignupRefusedEvent = z.input<typeof signupRefusedSchema>;

export const InvitationsEvents = {
  stream: INVITATIONS_STREAM,
  /** The link a signup was allowed with was reset before its membership was made: no account. */
  signupRefused: event({
    subject: 'invitations.events.signup.refused.v1',
    schema: signupRefusedSchema,
    stream: INVITATIONS_STREAM,
    publishedBy: ['invitations'],
    consumers: { identity: 'identity-signup-refused' },
  }),
  memberRemoved: event({
    subject: 'invitations.events.member.removed.v1',
    schema: memberRemovedSchema,
    stream: INVITATIONS_STREAM,
    publishedBy: ['invitations'],
    consumers: { identity: 'identity-member-removed' },
  }),
} as const;
