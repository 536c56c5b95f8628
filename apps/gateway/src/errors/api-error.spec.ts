import { ErrorCode } from '@app/contracts';
import { BusError } from '@app/bus';
import { statusFor, toApiError } from './api-error';

describe('bus error → HTTP', () => {
  it.each([
    [ErrorCode.ValidationFailed, 400],
    [ErrorCode.Unauthenticated, 401],
    [ErrorCode.Forbidden, 403],
    [ErrorCode.SignupForbidden, 403],
    [ErrorCode.NotFound, 404],
    [ErrorCode.RateLimited, 429],
    [ErrorCode.Internal, 500],
    [ErrorCode.Unavailable, 503],
    [ErrorCode.Timeout, 504],
  ])('%s is %d', (code, status) => {
    expect(statusFor(code)).toBe(status);
  });

  it('turns field errors into Label Studio validation errors', () => {
    const error = toApiError(new BusError(ErrorCode.Conflict, 'exists', { email: ['taken'] }));
    expect(error.status).toBe(400);
    expect(error.detail).toBe('Validation error');
    expect(error.validationErrors).toEqual({ email: ['taken'] });
  });

  it('asks a rate-limited client to come back later, and a 401 to use a token', () => {
    expect(
      toApiError(new BusError(ErrorCode.RateLimited, 'slow down', undefined, 30)).headers['Retry-After'],
    ).toBe('30');
    expect(
      toApiError(new BusError(ErrorCode.Unauthenticated, 'Invalid token.')).headers['WWW-Authenticate'],
    ).toBe('Token');
    expect(toApiError(new BusError(ErrorCode.Unavailable, 'down')).headers['Retry-After']).toBe('5');
  });
});
