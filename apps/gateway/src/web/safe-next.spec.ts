import { DEFAULT_NEXT, safeNext } from './safe-next';

describe('safeNext', () => {
  it.each(['/projects/', '/user/account/?tab=token', '/people/'])('keeps the same-origin path %p', (next) => {
    expect(safeNext(next)).toBe(next);
  });

  it.each([
    'http://malicious.com',
    '//malicious.com',
    '/\\malicious.com',
    'javascript:alert(1)',
    '/\tpath',
    'relative/path',
    '',
    undefined,
    ['/a'],
    '/'.padEnd(3000, 'a'),
  ])('replaces %p with the default', (next) => {
    expect(safeNext(next)).toBe(DEFAULT_NEXT);
  });
});
