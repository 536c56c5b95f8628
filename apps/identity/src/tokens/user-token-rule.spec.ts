import { userTokenProblem } from './user-token-rule';

describe('a token the operator chooses', () => {
  it.each(['abcde', 'x'.repeat(40), 'A.b-c_d~e!', '0123456789abcdef0123456789abcdef01234567'])(
    'accepts %j',
    (token) => {
      expect(userTokenProblem(token)).toBeNull();
    },
  );

  it.each([
    ['', 'Token must be at least 5 characters'],
    ['abcd', 'Token must be at least 5 characters'],
    ['abc de', 'Token must be printable characters without spaces'],
    ['abcde\u0000', 'Token must be printable characters without spaces'],
    ['tökenn', 'Token must be printable characters without spaces'],
    ['x'.repeat(41), 'Token must be at most 40 characters'],
  ])('refuses %j: %s', (token, message) => {
    expect(userTokenProblem(token)).toBe(message);
  });
});
