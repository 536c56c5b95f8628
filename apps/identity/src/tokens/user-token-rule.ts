/**
 * A token chosen by the operator (`--user-token`, LABEL_STUDIO_USER_TOKEN). The seed says "at least
 * 5 characters" (Label Studio's code needs 6 and silently ignores shorter ones; we refuse with a
 * message). At most 40: Label Studio's key column. Printable ASCII without spaces, because the
 * token travels in an `Authorization: Token <key>` header.
 */
export const USER_TOKEN_MIN_LENGTH = 5;
export const USER_TOKEN_MAX_LENGTH = 40;

const PRINTABLE_WITHOUT_SPACES = /^[\x21-\x7e]*$/;

/** The reason a chosen token is unacceptable, or null. */
export function userTokenProblem(token: string): string | null {
  if (token.length < USER_TOKEN_MIN_LENGTH) {
    return `Token must be at least ${USER_TOKEN_MIN_LENGTH} characters`;
  }
  if (!PRINTABLE_WITHOUT_SPACES.test(token)) return 'Token must be printable characters without spaces';
  if (token.length > USER_TOKEN_MAX_LENGTH) {
    return `Token must be at most ${USER_TOKEN_MAX_LENGTH} characters`;
  }
  return null;
}
