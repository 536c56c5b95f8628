import { IdentitySubjects, ParsedRequestOf } from '@app/contracts';

export type LoginInput = ParsedRequestOf<typeof IdentitySubjects.login>;
