import { isValidEmail, normaliseEmail, usernameFromEmail } from './email-address';
import { checkApiEmail, checkSignupEmail, checkUsername } from './account-validation';

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Jane.Doe@Example.COM \n')).toBe('jane.doe@example.com');
  });
});

describe('isValidEmail (Django EmailValidator)', () => {
  it.each([
    'jane@example.com',
    'jane.doe+tag@sub.example.co',
    "o'brien@example.org",
    'user@localhost',
    'user@[192.168.0.1]',
    'user@[::1]',
    '"quoted.local"@example.com',
    'user@bücher.de',
  ])('accepts %s', (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    '',
    'plainaddress',
    '@example.com',
    'jane@',
    'jane@example',
    'jane..doe@example.com',
    'jane@-example.com',
    'jane@example.c',
    'jane@[999.1.1.1]',
    'ja ne@example.com',
    'jane@exa_mple.com',
    'jane\u0000@example.com',
    'jane@example.com\u0007',
    'ja\u007fne@example.com',
    `${'a'.repeat(310)}@example.com`,
  ])('refuses %j', (email) => {
    expect(isValidEmail(email)).toBe(false);
  });
});

describe('checkSignupEmail (the signup form)', () => {
  it('normalises a valid address', () => {
    expect(checkSignupEmail(' Jane@Example.com ')).toEqual({ value: 'jane@example.com', errors: [] });
  });

  it.each([
    [undefined, 'Invalid email'],
    [null, 'Invalid email'],
    ['   ', 'Invalid email'],
    ['not-an-email', 'Enter a valid email address.'],
    ['nul\u0000@example.com', 'Enter a valid email address.'],
    [`${'a'.repeat(244)}@example.com`, 'Email is too long'],
  ])('refuses %j with %s', (raw, message) => {
    expect(checkSignupEmail(raw).errors).toEqual([message]);
  });

  it('accepts 255 characters and refuses 256 (Label Studio: length >= 256)', () => {
    const local = (n: number) => 'a'.repeat(n - '@example.com'.length);
    expect(checkSignupEmail(`${local(255)}@example.com`).errors).toEqual([]);
    expect(checkSignupEmail(`${local(256)}@example.com`).errors).toEqual(['Email is too long']);
  });
});

describe('checkApiEmail (POST /api/users/)', () => {
  it('uses DRF’s messages', () => {
    expect(checkApiEmail(undefined).errors).toEqual(['This field is required.']);
    expect(checkApiEmail('').errors).toEqual(['This field may not be blank.']);
    expect(checkApiEmail('nope').errors).toEqual(['Enter a valid email address.']);
    expect(checkApiEmail(`${'a'.repeat(250)}@example.com`).errors).toEqual([
      'Ensure this field has no more than 256 characters.',
    ]);
  });

  it('normalises like every other path', () => {
    expect(checkApiEmail('Bob@Example.com').value).toBe('bob@example.com');
  });
});

describe('checkUsername', () => {
  it('trims and accepts up to 256 characters', () => {
    expect(checkUsername(' bob ')).toEqual({ value: 'bob', errors: [] });
    expect(checkUsername('b'.repeat(256)).errors).toEqual([]);
  });

  it.each([
    [undefined, 'This field is required.'],
    ['  ', 'This field may not be blank.'],
    ['b'.repeat(257), 'Ensure this field has no more than 256 characters.'],
    ['bo\u0000b', 'Null characters are not allowed.'],
    ['bo\u001bb', 'Control characters are not allowed.'],
  ])('refuses %j', (raw, message) => {
    expect(checkUsername(raw).errors).toEqual([message]);
  });
});

describe('usernameFromEmail', () => {
  it('takes what precedes the first @, like email.split("@")[0]', () => {
    expect(usernameFromEmail('jane.doe@example.com')).toBe('jane.doe');
  });
});
