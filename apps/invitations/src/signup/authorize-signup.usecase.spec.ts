import { ErrorCode } from '@app/contracts';
import { BusError } from '@app/bus';
import { OrganizationEntity } from '../organizations/organization.entity';
import { AuthorizeSignupUseCase, SignupOrganizations } from './authorize-signup.usecase';
import { INVALID_INVITE_LINK, SIGNUP_ONLY_WITH_LINK } from './signup-policy';

const FIRST_TOKEN = 'a'.repeat(40);
const SECOND_TOKEN = 'B'.repeat(40);

function organization(overrides: Partial<OrganizationEntity>): OrganizationEntity {
  return Object.assign(new OrganizationEntity(), {
    id: 1,
    title: 'Label Studio',
    token: FIRST_TOKEN,
    tokenDigest: '',
    createdById: 1,
    createdByEmail: 'owner@example.com',
    contactInfo: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  });
}

/** The two lookups the decision makes, over a list of organizations (the database in production). */
function organizationsOf(rows: OrganizationEntity[]): SignupOrganizations {
  return {
    findByInviteToken: async (token) => rows.find((row) => row.token === token) ?? null,
    findFirst: async () => [...rows].sort((a, b) => a.id - b.id)[0] ?? null,
  };
}

const twoOrganizations = () => [
  organization({ id: 7, token: SECOND_TOKEN }),
  organization({ id: 3, token: FIRST_TOKEN }),
];

async function decide(restricted: boolean, rows: OrganizationEntity[], inviteToken: unknown) {
  const useCase = new AuthorizeSignupUseCase(organizationsOf(rows), { disableSignupWithoutLink: restricted });
  try {
    return await useCase.execute(inviteToken);
  } catch (error) {
    if (error instanceof BusError) return { code: error.code, message: error.message };
    throw error;
  }
}

const forbidden = (message: string) => ({ code: ErrorCode.SignupForbidden, message });

describe('signup policy', () => {
  describe.each([
    // restricted, organizations, token, expected
    [true, 'no token', twoOrganizations, undefined, forbidden(SIGNUP_ONLY_WITH_LINK)],
    [true, 'an empty token', twoOrganizations, '', forbidden(SIGNUP_ONLY_WITH_LINK)],
    [true, 'a token of no organization', twoOrganizations, 'x'.repeat(40), forbidden(SIGNUP_ONLY_WITH_LINK)],
    [true, "the second organization's token", twoOrganizations, SECOND_TOKEN, { organizationId: 7 }],
    [true, "the first organization's token", twoOrganizations, FIRST_TOKEN, { organizationId: 3 }],
    [true, 'no token on an empty database', () => [], undefined, forbidden(SIGNUP_ONLY_WITH_LINK)],
    [true, 'a token on an empty database', () => [], FIRST_TOKEN, forbidden(SIGNUP_ONLY_WITH_LINK)],
    [true, 'a token too long', twoOrganizations, 'a'.repeat(257), forbidden(SIGNUP_ONLY_WITH_LINK)],
    [false, 'no token', twoOrganizations, undefined, { organizationId: 3 }],
    [false, 'a null token', twoOrganizations, null, { organizationId: 3 }],
    [false, 'a token of no organization', twoOrganizations, 'x'.repeat(40), forbidden(INVALID_INVITE_LINK)],
    [false, "the second organization's token", twoOrganizations, SECOND_TOKEN, { organizationId: 7 }],
    [false, 'no token on an empty database', () => [], undefined, { organizationId: null }],
    [false, 'a token on an empty database', () => [], FIRST_TOKEN, forbidden(INVALID_INVITE_LINK)],
    [false, 'a token too long', twoOrganizations, 'a'.repeat(257), forbidden(INVALID_INVITE_LINK)],
    [
      false,
      'a token with a control character',
      twoOrganizations,
      `${FIRST_TOKEN}\u0000`,
      forbidden(INVALID_INVITE_LINK),
    ],
    [false, 'a token that is not a string', twoOrganizations, { $gt: '' }, forbidden(INVALID_INVITE_LINK)],
  ])('restricted=%s with %s', (restricted, _case, rows, token, expected) => {
    it(`answers ${JSON.stringify(expected)}`, async () => {
      await expect(decide(restricted, rows(), token)).resolves.toEqual(expected);
    });
  });
});
