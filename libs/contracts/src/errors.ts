/**
 * Error codes that cross the bus as `{ code, message }`. The gateway maps every code to an HTTP
 * status in one exhaustive switch: adding a code here without mapping it fails the type check.
 */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  NotFound = 'NOT_FOUND',
  Forbidden = 'FORBIDDEN',
  Conflict = 'CONFLICT',
  /** The one thing of its kind already exists (Label Studio's 409, e.g. a valid personal access token). */
  Exists = 'EXISTS',
  /** Credentials missing, unknown or no longer valid. */
  Unauthenticated = 'UNAUTHENTICATED',
  /** The login form's single message for unknown user, wrong password and inactive account. */
  LoginFailed = 'LOGIN_FAILED',
  RateLimited = 'RATE_LIMITED',
  SignupForbidden = 'SIGNUP_FORBIDDEN',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  /** A dependency (bus, service, database) cannot be reached. */
  Unavailable = 'UNAVAILABLE',
  /** A dependency did not answer in time. */
  Timeout = 'TIMEOUT',
  Internal = 'INTERNAL',
}

/** Field name → messages, the shape of Label Studio's `validation_errors`. */
export type FieldErrors = Record<string, string[]>;

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  fields?: FieldErrors;
  /** Seconds, for RATE_LIMITED. */
  retryAfter?: number;
}

const codes = new Set<string>(Object.values(ErrorCode));

export function isErrorPayload(value: unknown): value is ErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && codes.has(v.code) && typeof v.message === 'string';
}
