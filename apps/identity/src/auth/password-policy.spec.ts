import {
  isTooSimilarToEmail,
  PASSWORD_LENGTH_MESSAGE,
  PASSWORD_TOO_SIMILAR_MESSAGE,
  passwordProblems,
  quickRatio,
} from './password-policy';

describe('password policy', () => {
  it('uses Label Studio’s message with an EN DASH', () => {
    expect(PASSWORD_LENGTH_MESSAGE).toBe('Please enter a password 8\u2013128 characters in length.');
  });

  it.each([
    ['too short', 'a'.repeat(7)],
    ['too long', 'a'.repeat(129)],
    ['empty', ''],
  ])('refuses a password that is %s', (_case, password) => {
    expect(passwordProblems(password, 'jane@example.com')).toEqual([PASSWORD_LENGTH_MESSAGE]);
  });

  it.each([8, 128])('accepts %i characters', (length) => {
    expect(passwordProblems('Zq9!'.repeat(32).slice(0, length), 'jane@example.com')).toEqual([]);
  });

  it('counts characters, not UTF-16 units (like Python len)', () => {
    expect(passwordProblems('🔑'.repeat(128), 'jane@example.com')).toEqual([]);
    expect(passwordProblems('🔑'.repeat(7), 'jane@example.com')).toEqual([PASSWORD_LENGTH_MESSAGE]);
  });

  it('reports similarity and length together, similarity first (Django settings order)', () => {
    expect(passwordProblems('jane', 'jane@example.com')).toEqual([
      PASSWORD_TOO_SIMILAR_MESSAGE,
      PASSWORD_LENGTH_MESSAGE,
    ]);
  });
});

describe('similarity to the email (Django UserAttributeSimilarityValidator)', () => {
  // Expected values computed with Python's difflib.SequenceMatcher(a, b).quick_ratio().
  it.each([
    ['johnsmith1', 'johnsmith', 0.947],
    ['example123', 'example', 0.824],
    ['alicealice', 'alice', 0.667],
    ['moc.elpmaxe', 'a@example.com', 0.917],
    ['xk29!pqz7', 'bob@mail.org', 0],
  ])('quickRatio(%s, %s) = %d', (a, b, expected) => {
    expect(quickRatio(a, b)).toBeCloseTo(expected, 3);
  });

  it.each([
    ['the whole address', 'jane@example.com', 'jane@example.com'],
    ['the local part with a digit', 'johnsmith1', 'johnsmith@example.com'],
    ['the domain label', 'example123', 'jane@example.com'],
    ['a reordering (quick_ratio ignores order)', 'moc.elpmaxe', 'a@example.com'],
    ['different letter case', 'JohnSmith1', 'johnsmith@example.com'],
  ])('refuses a password similar to %s', (_case, password, email) => {
    expect(isTooSimilarToEmail(password, email)).toBe(true);
    expect(passwordProblems(password, email)).toContain(PASSWORD_TOO_SIMILAR_MESSAGE);
  });

  it.each([
    ['below the 0.7 threshold', 'alicealice', 'alice@x.io'],
    ['unrelated', 'Correct-Horse-9', 'jane@example.com'],
    ['a long password next to a one-letter part', 'aaaaaaaaaaaaaaaaaaaa', 'a@zz.io'],
  ])('accepts a password %s', (_case, password, email) => {
    expect(isTooSimilarToEmail(password, email)).toBe(false);
  });
});
