import { InvitationsSubjects } from '..';

const updateOrganizationSchema = InvitationsSubjects.updateOrganization.schema;

const parse = (change: Record<string, unknown>) =>
  updateOrganizationSchema.safeParse({ organizationId: 1, ...change });

describe('organization update payload', () => {
  it('keeps only the writable fields and trims the title', () => {
    const result = parse({ title: ' Acme ', createdBy: 7, users: [1], allowUnsafeInstructionTags: true });
    expect(result).toEqual({ success: true, data: { organizationId: 1, title: 'Acme' } });
  });

  it.each([
    [{ contactInfo: null }, { contactInfo: null }],
    [{ contactInfo: '' }, { contactInfo: '' }],
    [{ contactInfo: 'team@example.com' }, { contactInfo: 'team@example.com' }],
    [{ token: 'x'.repeat(256) }, { token: 'x'.repeat(256) }],
    [{ title: 't'.repeat(1000) }, { title: 't'.repeat(1000) }],
  ])('accepts %j', (change, expected) => {
    expect(parse(change)).toEqual({ success: true, data: { organizationId: 1, ...expected } });
  });

  it.each([
    { title: '' },
    { title: '   ' },
    { title: 't'.repeat(1001) },
    { title: 'a\u0000b' },
    { title: null },
    { contactInfo: 'nobody' },
    { token: '' },
    { token: 'with space' },
    { token: 'x'.repeat(257) },
    { token: 'tök' },
    { token: { $gt: '' } },
  ])('refuses %j', (change) => {
    expect(parse(change).success).toBe(false);
  });
});
