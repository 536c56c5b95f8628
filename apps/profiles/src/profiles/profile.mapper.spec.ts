import { ProfileEntity } from './profile.entity';
import { toProfileDto } from './profile.mapper';

const profile = (overrides: Partial<ProfileEntity> = {}): ProfileEntity =>
  Object.assign(new ProfileEntity(), {
    userId: 7,
    firstName: 'Ada',
    lastName: 'Lovelace',
    phone: '+44 20 7946 0000',
    allowNewsletters: null,
    customHotkeys: {},
    avatarKey: null,
    lastActivity: null,
    createdAt: new Date('2025-05-01T09:59:00.000Z'),
    updatedAt: new Date('2025-05-01T09:59:00.000Z'),
    ...overrides,
  });

describe('toProfileDto', () => {
  it('maps every field of the contract and nothing else', () => {
    expect(toProfileDto(profile())).toEqual({
      userId: 7,
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+44 20 7946 0000',
      allowNewsletters: null,
      customHotkeys: {},
      avatar: null,
      lastActivity: null,
    });
  });

  it('writes last activity as ISO-8601 UTC with Z', () => {
    const dto = toProfileDto(profile({ lastActivity: new Date(Date.UTC(2025, 4, 1, 10, 20, 30, 123)) }));
    expect(dto.lastActivity).toBe('2025-05-01T10:20:30.123Z');
  });

  it('keeps the newsletter choice, including false', () => {
    expect(toProfileDto(profile({ allowNewsletters: false })).allowNewsletters).toBe(false);
  });

  it('derives the avatar path from the object key when there is one', () => {
    expect(toProfileDto(profile({ avatarKey: 'ab12cd34-me.png' })).avatar).toBe(
      '/data/avatars/ab12cd34-me.png',
    );
  });

  it('passes hotkeys through', () => {
    const customHotkeys = { 'editor:save': { key: 'ctrl+s', active: true } };
    expect(toProfileDto(profile({ customHotkeys })).customHotkeys).toEqual(customHotkeys);
  });
});
