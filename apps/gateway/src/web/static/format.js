// Pure helpers shared by the pages' scripts (no DOM here, so they are unit tested in Node).

/** The seed's limit for profile pictures ("no larger than 512 x 512"); the page may give another. */
export const AVATAR_MAX_SIDE = 512;

/**
 * The size an image gets when it is scaled down to fit inside `maxWidth` x `maxHeight`, keeping
 * its aspect ratio; images that already fit keep their size.
 */
export function fitWithin(width, height, maxWidth = AVATAR_MAX_SIDE, maxHeight = maxWidth) {
  if (!(width > 0 && height > 0)) return { width: 0, height: 0, scaled: false };
  if (width <= maxWidth && height <= maxHeight) return { width, height, scaled: false };
  const ratio = Math.min(maxWidth / width, maxHeight / height);
  return {
    width: Math.max(1, Math.min(maxWidth, Math.round(width * ratio))),
    height: Math.max(1, Math.min(maxHeight, Math.round(height * ratio))),
    scaled: true,
  };
}

/** @type {Array<[Intl.RelativeTimeFormatUnit, number]>} */
const UNITS = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "just now", "5 minutes ago", "yesterday", "3 months ago"; "Never" for a missing time. */
export function relativeTime(iso, now = Date.now()) {
  if (!iso) return 'Never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'Unknown';
  const seconds = Math.round((then - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds / 60) || -1, 'minute');
}

/** A date and time for tooltips and details, e.g. "Mar 1, 2025, 10:20 AM". */
export function formatDateTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/**
 * When a listed personal access token (`header.payload`, as `GET /api/token/` shows it) was
 * created and when it expires, read from its claims; null when it cannot be read.
 */
export function tokenTimes(truncated) {
  const payload = typeof truncated === 'string' ? truncated.split('.')[1] : undefined;
  if (!payload || !/^[A-Za-z0-9_-]+$/.test(payload)) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)));
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return null;
    return {
      createdAt: new Date(claims.iat * 1000).toISOString(),
      expiresAt: new Date(claims.exp * 1000).toISOString(),
    };
  } catch {
    return null;
  }
}

/** "First Last", or an empty string when the person has not given a name. */
export function displayName(user) {
  return [user?.first_name, user?.last_name]
    .filter((part) => typeof part === 'string' && part.trim())
    .join(' ')
    .trim();
}

/** Label Studio's initials field, or the first two letters of the email when it is missing. */
export function initialsOf(user) {
  const given = typeof user?.initials === 'string' ? user.initials.trim() : '';
  if (given) return given.slice(0, 2);
  const email = typeof user?.email === 'string' ? user.email : '';
  return email.slice(0, 2) || '?';
}

/**
 * The absolute invitation link for people to open: Label Studio's API gives a relative
 * `invite_url` (`/user/signup/?token=…`) and the page prefixes its own origin.
 */
export function inviteLinkUrl(origin, invite) {
  const relative =
    typeof invite?.invite_url === 'string' &&
    invite.invite_url.startsWith('/') &&
    !invite.invite_url.startsWith('//')
      ? invite.invite_url
      : `/user/signup/?token=${encodeURIComponent(String(invite?.token ?? ''))}`;
  return new URL(relative, origin).toString();
}

/**
 * Only avatars on this site or plain http(s) URLs are shown; anything else (a `javascript:` or
 * `data:` value that should never be there) is treated as "no picture".
 */
export function safeImageUrl(value, origin) {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const url = new URL(value, origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** The message to show for a failed API call: Label Studio's envelope `detail` and field errors. */
export function errorMessage(status, body) {
  const detail = body && typeof body.detail === 'string' ? body.detail : '';
  const fields =
    body && typeof body.validation_errors === 'object' && body.validation_errors
      ? body.validation_errors
      : null;
  if (fields) {
    const lines = Object.entries(fields).flatMap(([field, messages]) =>
      (Array.isArray(messages) ? messages : [messages]).map((m) =>
        field === 'non_field_errors' ? String(m) : `${field.replace(/_/g, ' ')}: ${String(m)}`,
      ),
    );
    if (lines.length) return lines.join(' ');
  }
  if (detail) return detail;
  if (status === 0) return 'The server could not be reached. Check your connection and try again.';
  if (status === 413) return 'The file is too large.';
  if (status >= 500) return 'Something went wrong on the server. Try again in a moment.';
  return `The request failed (${status}).`;
}

/** A page number from `?page=`, at least 1. */
export function pageFromQuery(search) {
  const raw = new URLSearchParams(search).get('page');
  const page = raw && /^[0-9]{1,6}$/.test(raw) ? Number(raw) : 1;
  return page >= 1 ? page : 1;
}

/** "1–30 of 45" for a page of a paginated list. */
export function rangeLabel(page, pageSize, count) {
  if (count === 0) return 'No people';
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(count, page * pageSize);
  return `${first}–${last} of ${count}`;
}
