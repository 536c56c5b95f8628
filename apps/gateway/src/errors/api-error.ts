import { ErrorCode, FieldErrors } from '@app/contracts';
import { BusError } from '@app/bus';

/** An error raised by the gateway itself, already in Label Studio's terms. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly validationErrors?: FieldErrors,
    readonly headers: Record<string, string> = {},
    /** Sent as it is instead of the envelope, where Label Studio answers outside its exception handler. */
    readonly plainBody?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  /** `Response({'detail': …}, status)` or `JsonResponse`: a bare `{detail}` body, no envelope. */
  static plain(status: number, detail: string, headers: Record<string, string> = {}): ApiError {
    return new ApiError(status, detail, undefined, headers, { detail });
  }
}

export const notFound = (detail = 'Not found.') => new ApiError(404, detail);
export const forbidden = (detail = 'You do not have permission to perform this action.') =>
  new ApiError(403, detail);
export const notAuthenticated = () =>
  new ApiError(401, 'Authentication credentials were not provided.', undefined, {
    'WWW-Authenticate': 'Token',
  });
export const methodNotAllowed = (method: string) => new ApiError(405, `Method "${method}" not allowed.`);
export const validationFailed = (fields: FieldErrors) => new ApiError(400, 'Validation error', fields);

/**
 * The one table from bus error codes to HTTP status. Exhaustive: a new code that is not mapped
 * here fails the type check instead of falling through to 500.
 */
export function statusFor(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
      return 400;
    case ErrorCode.Unauthenticated:
      return 401;
    case ErrorCode.LoginFailed:
      return 401;
    case ErrorCode.Forbidden:
    case ErrorCode.SignupForbidden:
      return 403;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.MethodNotAllowed:
      return 405;
    case ErrorCode.Conflict:
      return 400;
    case ErrorCode.Exists:
      return 409;
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.Internal:
      return 500;
    case ErrorCode.Unavailable:
      return 503;
    case ErrorCode.Timeout:
      return 504;
  }
}

export function toApiError(error: BusError): ApiError {
  const status = statusFor(error.code);
  const headers: Record<string, string> = {};
  if (status === 401) headers['WWW-Authenticate'] = 'Token';
  if (error.retryAfter !== undefined) headers['Retry-After'] = String(error.retryAfter);
  if (status === 503 || status === 504) headers['Retry-After'] ??= '5';
  // A Conflict is a field error in Label Studio (`user with this email address already exists.`).
  const detail = error.fields ? 'Validation error' : error.message;
  return new ApiError(status, detail, error.fields, headers);
}
