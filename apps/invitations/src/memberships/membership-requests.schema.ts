import { InvitationsSubjects, ParsedRequestOf } from '@app/contracts';

export type EnsureMembershipInput = ParsedRequestOf<typeof InvitationsSubjects.ensureMembership>;

/**
 * Who a request acts for: the signed-in user the gateway named (`@Caller()`), 'admin' for a
 * message on an operator subject (only the admin credentials may send those), or nobody (a
 * system call, such as the web signup before its account exists).
 */
export type BusCaller = number | 'admin' | undefined;
