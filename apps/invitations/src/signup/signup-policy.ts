/** What the invite token of a signup turned out to be. */
export type InviteMatch =
  | { kind: 'none' }
  /** Malformed, or matching no organization. */
  | { kind: 'invalid' }
  | { kind: 'valid'; organizationId: number };

export interface SignupFacts {
  /** `DISABLE_SIGNUP_WITHOUT_LINK`. */
  restricted: boolean;
  invite: InviteMatch;
  /** Label Studio's `Organization.objects.first()`; null on an empty database. */
  firstOrganizationId: number | null;
}

export type SignupDecision =
  { allowed: true; organizationId: number | null } | { allowed: false; message: string };

export const SIGNUP_ONLY_WITH_LINK = 'Signup is allowed only with an invitation link';
export const INVALID_INVITE_LINK = 'The invitation link is not valid';

/**
 * Label Studio's `user_signup` rule, with the token selecting the organization it belongs to
 * (Label Studio compares it with the first organization only). Restricted: a valid link is the
 * only way in, so on an empty database nobody signs up this way (the first account comes from
 * the bootstrap variables or the CLI). Open: no link joins the first organization (or founds
 * one); a link that is not valid is refused, so a reset link stops working at once.
 */
export function decideSignup(facts: SignupFacts): SignupDecision {
  const { invite } = facts;
  switch (invite.kind) {
    case 'valid':
      return { allowed: true, organizationId: invite.organizationId };
    case 'invalid':
      return { allowed: false, message: facts.restricted ? SIGNUP_ONLY_WITH_LINK : INVALID_INVITE_LINK };
    case 'none':
      return facts.restricted
        ? { allowed: false, message: SIGNUP_ONLY_WITH_LINK }
        : { allowed: true, organizationId: facts.firstOrganizationId };
  }
}

const PRINTABLE = /^[\x20-\x7e]+$/;
const MAX_TOKEN_LENGTH = 256;

/** An absent or empty token is no token (Label Studio: `if token`); anything not a plausible token is invalid. */
export function readInviteToken(
  value: unknown,
): { kind: 'none' } | { kind: 'invalid' } | { kind: 'given'; token: string } {
  if (value === undefined || value === null || value === '') return { kind: 'none' };
  if (typeof value !== 'string' || value.length > MAX_TOKEN_LENGTH || !PRINTABLE.test(value))
    return { kind: 'invalid' };
  return { kind: 'given', token: value };
}
