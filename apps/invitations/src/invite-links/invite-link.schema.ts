import { InvitationsSubjects, ParsedRequestOf } from '@app/contracts';

/** The user's active organization (`userId`), a named one (`organizationId`), or, for the operator, the first. */
export type InviteLinkInput = ParsedRequestOf<typeof InvitationsSubjects.getInviteLink>;
