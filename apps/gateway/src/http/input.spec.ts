import { z } from 'zod';
import { ApiError } from '../errors/api-error';
import { booleanField, charField, parseBody, parseId } from './input';

const fail = (fn: () => unknown): ApiError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
};

describe('parseId', () => {
  it('accepts a positive id', () => expect(parseId('42')).toBe(42));
  it.each(['abc', '-1', '0', '1.5', '99999999999', '2147483648', '', '1e3', ' 1'])('404s %p', (raw) => {
    expect(fail(() => parseId(raw)).status).toBe(404);
  });
});

describe('parseBody', () => {
  const schema = z.object({
    first_name: charField().optional(),
    allow_newsletters: booleanField.nullable().optional(),
  });

  it('coerces numbers like DRF and reads form booleans', () => {
    expect(parseBody(schema, { first_name: 12, allow_newsletters: 'on' })).toEqual({
      first_name: '12',
      allow_newsletters: true,
    });
  });

  it('drops unknown and prototype keys', () => {
    const parsed = parseBody(
      schema,
      JSON.parse('{"__proto__": {"admin": true}, "is_superuser": true, "first_name": "a"}'),
    );
    expect(parsed).toEqual({ first_name: 'a' });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it.each([
    [{ first_name: 'a'.repeat(257) }, 'Ensure this field has no more than 256 characters.'],
    [{ first_name: 'a\u0000b' }, 'Null characters are not allowed.'],
    [{ first_name: { $gt: '' } }, 'Not a valid string.'],
  ])('refuses %p', (body, message) => {
    const error = fail(() => parseBody(schema, body));
    expect(error.status).toBe(400);
    expect(error.validationErrors?.first_name).toContain(message);
  });

  it('refuses a body that is not an object', () => {
    expect(fail(() => parseBody(schema, [1, 2])).validationErrors).toEqual({
      non_field_errors: ['Invalid data. Expected a dictionary.'],
    });
  });
});
