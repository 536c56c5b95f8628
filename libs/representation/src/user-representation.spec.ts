import { AccountDto, MembershipContextDto, ProfileDto } from '@app/contracts';
import { initials, renderUser } from './user-representation';

const account = (overrides: Partial<AccountDto> = {}): AccountDto => ({
  id: 7,
  email: 'ann@example.com',
  username: 'ann',
  isActive: true,
  isSuperuser: false,
  dateJoined: '2026-01-02T03:04:05.000Z',
  lastLogin: null,
  ...overrides,
});

const profile = (overrides: Partial<ProfileDto> = {}): ProfileDto => ({
  userId: 7,
  firstName: '',
  lastName: '',
  phone: '',
  allowNewsletters: null,
  customHotkeys: {},
  avatar: null,
  lastActivity: null,
  ...overrides,
});

const context: MembershipContextDto = {
  userId: 7,
  activeOrganization: { id: 3, title: 'Label Studio', ownerEmail: 'owner@example.com' },
};

describe('initials', () => {
  it.each([
    ['', '', 'Ann@x.io', 'An'],
    ['Ann', '', 'a@x.io', 'A'],
    ['', 'Lee', 'a@x.io', 'L'],
    ['ann', 'Lee', 'a@x.io', 'aL'],
    // Python slices code points: a character outside the BMP is kept whole.
    ['\u{1F600}x', '\u{1F431}', 'a@x.io', '\u{1F600}\u{1F431}'],
    ['', '', '\u{1F600}\u{1F600}\u{1F600}@x.io', '\u{1F600}\u{1F600}'],
  ])('first %p last %p email %p → %p', (first, last, email, expected) => {
    expect(initials(first, last, email)).toBe(expected);
  });
});

describe('renderUser', () => {
  it('keeps Label Studio field order and meta of the active organization', () => {
    const user = renderUser(account(), profile({ firstName: 'Ann', lastName: 'Lee' }), context, {
      publicHost: '',
    });
    expect(Object.keys(user)).toEqual([
      'id',
      'first_name',
      'last_name',
      'username',
      'email',
      'last_activity',
      'custom_hotkeys',
      'avatar',
      'initials',
      'phone',
      'active_organization',
      'active_organization_meta',
      'allow_newsletters',
      'date_joined',
    ]);
    expect(user).toMatchObject({
      initials: 'AL',
      active_organization: 3,
      active_organization_meta: { title: 'Label Studio', email: 'owner@example.com' },
    });
  });

  it('renders a user without an active organization with empty meta', () => {
    const user = renderUser(
      account(),
      profile(),
      { userId: 7, activeOrganization: null },
      { publicHost: '' },
    );
    expect(user.active_organization).toBeNull();
    expect(user.active_organization_meta).toEqual({ title: '', email: '' });
  });

  it('prefixes the avatar path with the public host', () => {
    const user = renderUser(account(), profile({ avatar: '/data/avatars/a.png' }), context, {
      publicHost: 'https://ls.example.com',
    });
    expect(user.avatar).toBe('https://ls.example.com/data/avatars/a.png');
  });

  it('renders a profile that is not there yet as empty fields', () => {
    const user = renderUser(account(), undefined, context, { publicHost: '' });
    expect(user).toMatchObject({ first_name: '', last_name: '', initials: 'an', allow_newsletters: null });
  });

  it('hides a removed member behind the deleted-user rendering', () => {
    const user = renderUser(account(), profile({ firstName: 'Ann', phone: '123' }), context, {
      publicHost: '',
      deleted: true,
    });
    expect(user).toMatchObject({
      username: 'deleted-7',
      first_name: 'Deleted',
      last_name: 'User 7',
      email: 'deleted-7-user@example.com',
      initials: 'DU',
      phone: '',
    });
  });
});
