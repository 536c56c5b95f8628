import { ApiError } from '../errors/api-error';
import { parseOrganizationChange, projectListsRequested } from './organization-input';

const errorsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, fields: error.validationErrors };
    throw error;
  }
  throw new Error('expected an ApiError');
};

const WEAK_TOKEN = 'Ensure this field has at least 22 characters, each a letter, a digit, "-" or "_".';

describe('organization PATCH / PUT body', () => {
  it('takes title, contact_info and token; ignores created_by and the rest', () => {
    expect(
      parseOrganizationChange(
        3,
        {
          title: ' Acme ',
          contact_info: 'team@acme.example',
          token: 'abcdefghijklmnopqrstuv',
          created_by: 9,
          allow_unsafe_instruction_tags: true,
          users: [],
          id: 8,
        },
        { full: false },
      ),
    ).toEqual({
      organizationId: 3,
      title: 'Acme',
      contactInfo: 'team@acme.example',
      token: 'abcdefghijklmnopqrstuv',
    });
  });

  it('lets contact_info be cleared with null or blank', () => {
    expect(parseOrganizationChange(3, { contact_info: null }, { full: false })).toEqual({
      organizationId: 3,
      contactInfo: null,
    });
    expect(parseOrganizationChange(3, { contact_info: ' ' }, { full: false })).toEqual({
      organizationId: 3,
      contactInfo: '',
    });
  });

  it('accepts an empty PATCH and requires title for PUT', () => {
    expect(parseOrganizationChange(3, {}, { full: false })).toEqual({ organizationId: 3 });
    expect(errorsOf(() => parseOrganizationChange(3, { contact_info: null }, { full: true }))).toEqual({
      status: 400,
      fields: { title: ['This field is required.'] },
    });
  });

  it.each([
    [{ title: '' }, { title: ['This field may not be blank.'] }],
    [{ title: null }, { title: ['This field may not be null.'] }],
    [{ title: 'x'.repeat(1001) }, { title: ['Ensure this field has no more than 1000 characters.'] }],
    [{ title: { $gt: '' } }, { title: ['Not a valid string.'] }],
    [{ title: 'a\u0000b' }, { title: ['Null characters are not allowed.'] }],
    [{ contact_info: 'nobody' }, { contact_info: ['Enter a valid email address.'] }],
    [{ token: '' }, { token: ['This field may not be blank.'] }],
    [{ token: null }, { token: ['This field may not be null.'] }],
    [{ token: 'a b' }, { token: [WEAK_TOKEN] }],
    [{ token: 'a'.repeat(21) }, { token: [WEAK_TOKEN] }],
    [{ token: `${'a'.repeat(21)}!` }, { token: [WEAK_TOKEN] }],
    [{ token: 'x'.repeat(257) }, { token: ['Ensure this field has no more than 256 characters.'] }],
  ])('refuses %j', (body, fields) => {
    expect(errorsOf(() => parseOrganizationChange(3, body, { full: false }))).toEqual({
      status: 400,
      fields,
    });
  });
});

describe('contributed_to_projects', () => {
  it.each([
    [undefined, false],
    ['1', true],
    ['True', true],
    ['yes', true],
    ['0', false],
    ['false', false],
    [['0', '1'], true],
  ])('reads %j as %s', (raw, expected) => {
    expect(projectListsRequested(raw)).toBe(expected);
  });

  it('refuses a word that is not a boolean', () => {
    expect(() => projectListsRequested('maybe')).toThrow(ApiError);
  });
});
