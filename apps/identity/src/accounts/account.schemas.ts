import { IdentitySubjects, ParsedRequestOf } from '@app/contracts';

/** What the handlers receive: the payloads of identity's contracts, validated against them. */
export type RegisterInput = ParsedRequestOf<typeof IdentitySubjects.register>;
export type CreateAccountInput = ParsedRequestOf<typeof IdentitySubjects.createAccount>;
export type UpdateAccountInput = ParsedRequestOf<typeof IdentitySubjects.updateAccount>;
export type ListAllAccountsInput = ParsedRequestOf<typeof IdentitySubjects.listAllAccounts>;
export type ProvisionAccountInput = ParsedRequestOf<typeof IdentitySubjects.provisionAccount>;
export type SetPasswordInput = ParsedRequestOf<typeof IdentitySubjects.setPassword>;
export type SetActiveInput = ParsedRequestOf<typeof IdentitySubjects.setActive>;
