import { ApiError } from '../errors/api-error';

/** DRF's PageNumberPagination as Label Studio's memberships list configures it. */
export const DEFAULT_PAGE_SIZE = 20;
/** Label Studio's `page_size=-1`: "all" means a million. */
export const UNLIMITED_PAGE_SIZE = 1_000_000;

export const invalidPage = () => new ApiError(404, 'Invalid page.');

/** Django's QueryDict `get` and `[]` answer the last value of a repeated parameter. */
const lastValue = (raw: unknown): unknown => (Array.isArray(raw) ? raw[raw.length - 1] : raw);

/** Python's `int()` on a query string: surrounding blanks and a sign allowed. */
const integerOf = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const match = /^\s*([+-]?\d+)\s*$/.exec(value);
  return match ? Number(match[1]) : undefined;
};

/** `page_size`: -1 is everything; anything that is not a positive integer falls back to the default (DRF). */
export function pageSizeOf(raw: unknown): number {
  const value = lastValue(raw);
  if (value === '-1') return UNLIMITED_PAGE_SIZE;
  const size = integerOf(value);
  return size !== undefined && size > 0 ? size : DEFAULT_PAGE_SIZE;
}

export interface Page<T> {
  items: T[];
  number: number;
  count: number;
  hasNext: boolean;
  hasPrevious: boolean;
}

/** Django's Paginator: an empty list still has page 1; `last` is the last page; anything else is 404. */
export function paginate<T>(items: T[], rawPage: unknown, pageSize: number): Page<T> {
  const { start, end, ...page } = pageWindow(items.length, rawPage, pageSize);
  return { ...page, items: items.slice(start, end) };
}

/** The positions of the page asked for in a list of `count` items (`start` inclusive, `end` exclusive). */
export function pageWindow(
  count: number,
  rawPage: unknown,
  pageSize: number,
): Omit<Page<never>, 'items'> & { start: number; end: number } {
  const numberOfPages = Math.max(1, Math.ceil(count / pageSize));
  const value = lastValue(rawPage);
  const requested =
    value === undefined || value === '' ? 1 : value === 'last' ? numberOfPages : integerOf(value);
  if (requested === undefined || requested < 1 || requested > numberOfPages) throw invalidPage();
  const start = (requested - 1) * pageSize;
  return {
    start,
    end: Math.min(count, start + pageSize),
    number: requested,
    count,
    hasNext: requested < numberOfPages,
    hasPrevious: requested > 1,
  };
}

/**
 * DRF's `replace_query_param` / `remove_query_param` on the absolute request URL: `page` set (or
 * dropped, for page 1 of `previous`), every other parameter kept, keys sorted.
 */
export function pageLink(requestUrl: URL, page: number | null): string {
  const values = new Map<string, string[]>();
  for (const [key, value] of requestUrl.searchParams) {
    if (!values.has(key)) values.set(key, []);
    values.get(key)!.push(value);
  }
  if (page === null) values.delete('page');
  else values.set('page', [String(page)]);
  const query = new URLSearchParams();
  for (const key of [...values.keys()].sort()) for (const value of values.get(key)!) query.append(key, value);
  const url = new URL(requestUrl.toString());
  url.search = query.toString();
  return url.toString();
}

/** DRF's `{count, next, previous, results}`. */
export function pageEnvelope<T, R>(page: Page<T>, requestUrl: URL, results: R[]) {
  return {
    count: page.count,
    next: page.hasNext ? pageLink(requestUrl, page.number + 1) : null,
    previous: page.hasPrevious ? pageLink(requestUrl, page.number === 2 ? null : page.number - 1) : null,
    results,
  };
}
