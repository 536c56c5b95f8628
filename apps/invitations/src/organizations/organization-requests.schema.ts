import { InvitationsSubjects, ParsedRequestOf } from '@app/contracts';

export type UpdateOrganizationInput = ParsedRequestOf<typeof InvitationsSubjects.updateOrganization>;
