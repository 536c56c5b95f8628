import { redactQuery } from './index';

describe('redactQuery', () => {
  it.each([
    ['/user/signup/?token=abc123&next=/x', '/user/signup/?token=[redacted]&next=/x'],
    ['/a?next=/b&TOKEN=s3cret', '/a?next=/b&TOKEN=[redacted]'],
    ['/api/users/', '/api/users/'],
    ['/p?tokens=1', '/p?tokens=1'],
  ])('%s → %s', (url, expected) => {
    expect(redactQuery(url)).toBe(expected);
  });
});
