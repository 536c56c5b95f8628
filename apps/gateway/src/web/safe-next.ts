export const DEFAULT_NEXT = '/projects/';

/**
 * A redirect target is accepted only as a same-origin relative path: one leading slash, no
 * scheme, no `//` or `/\` (both mean another host to a browser), no control characters.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2048) return DEFAULT_NEXT;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return DEFAULT_NEXT;
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return DEFAULT_NEXT;
  return next;
}
