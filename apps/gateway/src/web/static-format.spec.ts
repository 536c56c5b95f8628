import {
  displayName,
  errorMessage,
  fitWithin,
  formatDateTime,
  tokenTimes,
  initialsOf,
  inviteLinkUrl,
  pageFromQuery,
  rangeLabel,
  relativeTime,
  safeImageUrl,
} from './static/format.js';

// The pure helpers of the browser's scripts (static/format.js), run in Node.

describe('fitWithin (the in-browser downscale of profile pictures)', () => {
  it.each([
    [1024, 768, 512, 384],
    [768, 1024, 384, 512],
    [4000, 4000, 512, 512],
    [513, 100, 512, 100],
    [10000, 1, 512, 1],
  ])('fits %p x %p inside 512 x 512 as %p x %p, keeping the aspect ratio', (w, h, fw, fh) => {
    expect(fitWithin(w, h)).toEqual({ width: fw, height: fh, scaled: true });
  });

  it.each([
    [512, 512],
    [100, 40],
  ])('leaves %p x %p as it is', (w, h) => {
    expect(fitWithin(w, h)).toEqual({ width: w, height: h, scaled: false });
  });

  it('fits a configured, non-square limit', () => {
    expect(fitWithin(2400, 1600, 1200, 800)).toEqual({ width: 1200, height: 800, scaled: true });
    expect(fitWithin(1000, 1000, 1200, 800)).toEqual({ width: 800, height: 800, scaled: true });
    expect(fitWithin(1200, 800, 1200, 800)).toEqual({ width: 1200, height: 800, scaled: false });
  });

  it('treats unreadable sizes as nothing to scale', () => {
    expect(fitWithin(0, 10)).toEqual({ width: 0, height: 0, scaled: false });
    expect(fitWithin(Number.NaN, 10).scaled).toBe(false);
  });
});

describe('relativeTime (People: last time active)', () => {
  const now = Date.parse('2025-05-10T12:00:00Z');
  it.each([
    ['2025-05-10T11:59:50Z', 'just now'],
    ['2025-05-10T11:55:00Z', '5 minutes ago'],
    ['2025-05-10T09:00:00Z', '3 hours ago'],
    ['2025-05-09T10:00:00Z', 'yesterday'],
    ['2025-05-01T12:00:00Z', 'last week'],
    ['2025-02-01T12:00:00Z', '3 months ago'],
    ['2023-05-01T12:00:00Z', '2 years ago'],
  ])('%s is "%s"', (iso, expected) => {
    expect(relativeTime(iso, now)).toBe(expected);
  });

  it('says Never for someone who has not been active', () => {
    expect(relativeTime(null, now)).toBe('Never');
    expect(relativeTime('not a date', now)).toBe('Unknown');
  });

  it('formats the exact time for the tooltip', () => {
    expect(formatDateTime('2025-03-01T10:20:30.123456Z')).toMatch(/2025/);
    expect(formatDateTime(null)).toBe('');
  });
});

describe('names and initials', () => {
  it('joins the names that are given', () => {
    expect(displayName({ first_name: 'Ann', last_name: 'Lee' })).toBe('Ann Lee');
    expect(displayName({ first_name: '', last_name: 'Lee' })).toBe('Lee');
    expect(displayName({ first_name: ' ', last_name: '' })).toBe('');
  });

  it('uses Label Studio’s initials, else the start of the email', () => {
    expect(initialsOf({ initials: 'AL', email: 'ann@x.io' })).toBe('AL');
    expect(initialsOf({ initials: '', email: 'ann@x.io' })).toBe('an');
    expect(initialsOf({})).toBe('?');
  });
});

describe('inviteLinkUrl', () => {
  it('prefixes the page origin to the relative invite_url', () => {
    expect(
      inviteLinkUrl('http://ls.local:8080', { token: 'abc', invite_url: '/user/signup/?token=abc' }),
    ).toBe('http://ls.local:8080/user/signup/?token=abc');
  });

  it('builds the link from the token when invite_url is missing or points elsewhere', () => {
    expect(inviteLinkUrl('https://ls.example', { token: 'a b' })).toBe(
      'https://ls.example/user/signup/?token=a%20b',
    );
    expect(inviteLinkUrl('https://ls.example', { token: 't', invite_url: '//evil.example/x' })).toBe(
      'https://ls.example/user/signup/?token=t',
    );
  });
});

describe('safeImageUrl', () => {
  it('keeps site paths and http(s) URLs', () => {
    expect(safeImageUrl('/data/avatars/a.png', 'http://h')).toBe('http://h/data/avatars/a.png');
    expect(safeImageUrl('https://cdn.example/a.png', 'http://h')).toBe('https://cdn.example/a.png');
  });

  it.each([null, '', 'javascript:alert(1)', 'data:image/svg+xml,<svg/>'])('drops %p', (value) => {
    expect(safeImageUrl(value, 'http://h')).toBeNull();
  });
});

describe('errorMessage (what a failed API call says on the page)', () => {
  it('shows the envelope’s detail', () => {
    expect(
      errorMessage(400, {
        detail: 'Please use an image that is 512 x 512 pixels or smaller.',
        exc_info: null,
      }),
    ).toBe('Please use an image that is 512 x 512 pixels or smaller.');
  });

  it('spells out validation errors by field', () => {
    expect(
      errorMessage(400, {
        detail: 'Validation error',
        validation_errors: { first_name: ['Ensure this field has no more than 256 characters.'] },
      }),
    ).toBe('first name: Ensure this field has no more than 256 characters.');
  });

  it('has words for no answer, no body and server faults', () => {
    expect(errorMessage(0, null)).toMatch(/could not be reached/);
    expect(errorMessage(413, null)).toMatch(/too large/);
    expect(errorMessage(503, null)).toMatch(/Try again/);
    expect(errorMessage(418, null)).toBe('The request failed (418).');
  });
});

describe('pagination helpers', () => {
  it('reads ?page= as a positive number', () => {
    expect(pageFromQuery('?page=3')).toBe(3);
    expect(pageFromQuery('?page=0')).toBe(1);
    expect(pageFromQuery('?page=-2')).toBe(1);
    expect(pageFromQuery('?page=abc')).toBe(1);
    expect(pageFromQuery('')).toBe(1);
  });

  it('labels the range shown', () => {
    expect(rangeLabel(1, 30, 45)).toBe('1–30 of 45');
    expect(rangeLabel(2, 30, 45)).toBe('31–45 of 45');
    expect(rangeLabel(1, 30, 0)).toBe('No people');
  });

  it('reads when a listed personal access token was created and expires from its claims', () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const listed = `${part({ alg: 'EdDSA' })}.${part({ token_type: 'refresh', exp: 1_900_000_000, iat: 1_800_000_000, jti: 'x', user_id: 1 })}`;
    expect(tokenTimes(listed)).toEqual({
      createdAt: '2027-01-15T08:00:00.000Z',
      expiresAt: '2030-03-17T17:46:40.000Z',
    });
    for (const bad of [null, '', 'abc', 'a.%%%', `${part({})}.${part({ iat: 'x' })}`]) {
      expect(tokenTimes(bad)).toBeNull();
    }
  });
});
