import { ApiError } from '../errors/api-error';
import {
  DEFAULT_PAGE_SIZE,
  pageEnvelope,
  pageLink,
  pageSizeOf,
  paginate,
  UNLIMITED_PAGE_SIZE,
} from './pagination';

const letters = [...'abcde'];
const url = (path: string) => new URL(path, 'http://people.example:8080');

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, detail: error.detail };
    throw error;
  }
  throw new Error('expected an ApiError');
};

describe('page size (DRF, as Label Studio configures it)', () => {
  it.each([
    [undefined, DEFAULT_PAGE_SIZE],
    ['2', 2],
    [' 7 ', 7],
    ['+3', 3],
    ['-1', UNLIMITED_PAGE_SIZE],
    [['5', '-1'], UNLIMITED_PAGE_SIZE],
    ['0', DEFAULT_PAGE_SIZE],
    ['-2', DEFAULT_PAGE_SIZE],
    ['abc', DEFAULT_PAGE_SIZE],
    ['1.5', DEFAULT_PAGE_SIZE],
    ['', DEFAULT_PAGE_SIZE],
  ])('reads %j as %d', (raw, size) => {
    expect(pageSizeOf(raw)).toBe(size);
  });
});

describe('paginate (Django Paginator)', () => {
  it('cuts pages and knows its neighbours', () => {
    expect(paginate(letters, '2', 2)).toEqual({
      items: ['c', 'd'],
      number: 2,
      count: 5,
      hasNext: true,
      hasPrevious: true,
    });
    expect(paginate(letters, 'last', 2).items).toEqual(['e']);
    expect(paginate(letters, undefined, 2).number).toBe(1);
    expect(paginate(letters, '', 2).number).toBe(1);
  });

  it('has a first page even when there is nothing', () => {
    expect(paginate([], '1', 20)).toEqual({
      items: [],
      number: 1,
      count: 0,
      hasNext: false,
      hasPrevious: false,
    });
  });

  it.each(['0', '-1', '4', 'abc', '1.0', '2e0'])("answers 404 'Invalid page.' for page %j", (page) => {
    expect(refusal(() => paginate(letters, page, 2))).toEqual({ status: 404, detail: 'Invalid page.' });
  });
});

describe('page links (DRF replace_query_param / remove_query_param)', () => {
  it('sets page, keeps the other parameters, sorts the keys', () => {
    expect(pageLink(url('/api/organizations/1/memberships?page_size=2&contributed_to_projects=1'), 2)).toBe(
      'http://people.example:8080/api/organizations/1/memberships?contributed_to_projects=1&page=2&page_size=2',
    );
  });

  it('drops page for the first page', () => {
    expect(pageLink(url('/api/organizations/1/memberships?page=2'), null)).toBe(
      'http://people.example:8080/api/organizations/1/memberships',
    );
  });

  it('builds the envelope', () => {
    const requestUrl = url('/api/organizations/1/memberships?page=2&page_size=2');
    expect(pageEnvelope(paginate(letters, '2', 2), requestUrl, ['c', 'd'])).toEqual({
      count: 5,
      next: 'http://people.example:8080/api/organizations/1/memberships?page=3&page_size=2',
      previous: 'http://people.example:8080/api/organizations/1/memberships?page_size=2',
      results: ['c', 'd'],
    });
    expect(pageEnvelope(paginate(letters, '3', 2), requestUrl, ['e'])).toMatchObject({
      next: null,
      previous: 'http://people.example:8080/api/organizations/1/memberships?page=2&page_size=2',
    });
  });
});
