import { validateNullableBoolean, validateProfileChanges, validateText } from './profile-changes.validator';

describe('validateText (DRF CharField, max 256)', () => {
  it('trims surrounding whitespace like DRF', () => {
    expect(validateText('  Ada  ')).toEqual({ ok: true, value: 'Ada' });
  });

  it('accepts blank', () => {
    expect(validateText('')).toEqual({ ok: true, value: '' });
  });

  it('turns numbers into strings like DRF', () => {
    expect(validateText(42)).toEqual({ ok: true, value: '42' });
  });

  it('counts characters, not UTF-16 units: 256 emoji fit', () => {
    expect(validateText('😀'.repeat(256)).ok).toBe(true);
  });

  it('refuses 257 characters with DRF message', () => {
    expect(validateText('a'.repeat(257))).toEqual({
      ok: false,
      messages: ['Ensure this field has no more than 256 characters.'],
    });
  });

  it('refuses NUL with DRF message', () => {
    expect(validateText('Ad\u0000a')).toEqual({ ok: false, messages: ['Null characters are not allowed.'] });
  });

  it('collects every message, as DRF runs every validator', () => {
    expect(validateText(`${'a'.repeat(300)}\u0000`)).toEqual({
      ok: false,
      messages: ['Ensure this field has no more than 256 characters.', 'Null characters are not allowed.'],
    });
  });

  it.each(['Ada\nLovelace', 'Ada\u0007', 'A\u009bda'])('refuses control characters in %j', (value) => {
    expect(validateText(value)).toEqual({ ok: false, messages: ['Control characters are not allowed.'] });
  });

  it('refuses unpaired surrogates like DRF', () => {
    expect(validateText('Ada\ud800')).toEqual({
      ok: false,
      messages: ['Surrogate characters are not allowed: U+D800.'],
    });
  });

  it.each([[true], [{ $gt: '' }], [['Ada']], [Number.NaN]])('refuses %j as not a string', (value) => {
    expect(validateText(value)).toEqual({ ok: false, messages: ['Not a valid string.'] });
  });

  it('refuses null', () => {
    expect(validateText(null)).toEqual({ ok: false, messages: ['This field may not be null.'] });
  });
});

describe('validateNullableBoolean (DRF BooleanField, allow_null)', () => {
  it.each([[true], ['true'], ['1'], [1], ['yes'], ['on']])('reads %j as true', (value) => {
    expect(validateNullableBoolean(value)).toEqual({ ok: true, value: true });
  });

  it.each([[false], ['False'], ['0'], [0], ['no'], ['off']])('reads %j as false', (value) => {
    expect(validateNullableBoolean(value)).toEqual({ ok: true, value: false });
  });

  it.each([[null], ['null'], ['']])('reads %j as null', (value) => {
    expect(validateNullableBoolean(value)).toEqual({ ok: true, value: null });
  });

  it.each([['maybe'], [2], [{}]])('refuses %j', (value) => {
    expect(validateNullableBoolean(value)).toEqual({ ok: false, messages: ['Must be a valid boolean.'] });
  });
});

describe('validateProfileChanges', () => {
  it('returns only the fields that were given', () => {
    expect(validateProfileChanges({ firstName: ' Ada ', allowNewsletters: false })).toEqual({
      ok: true,
      changes: { firstName: 'Ada', allowNewsletters: false },
    });
  });

  it('keys every error by Label Studio field name', () => {
    expect(
      validateProfileChanges({
        firstName: 'a'.repeat(257),
        lastName: 'x\u0000',
        phone: { $ne: '' },
        allowNewsletters: 'maybe',
        customHotkeys: [],
      }),
    ).toEqual({
      ok: false,
      fields: {
        first_name: ['Ensure this field has no more than 256 characters.'],
        last_name: ['Null characters are not allowed.'],
        phone: ['Not a valid string.'],
        allow_newsletters: ['Must be a valid boolean.'],
        custom_hotkeys: ['custom_hotkeys must be a dictionary'],
      },
    });
  });

  it('reports no changes for an empty update', () => {
    expect(validateProfileChanges({})).toEqual({ ok: true, changes: {} });
  });
});
