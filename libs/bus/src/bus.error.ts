import { ErrorCode, ErrorPayload, FieldErrors } from '@app/contracts';

/** A `{ code, message }` error decoded from the bus (or raised by the client itself). */
export class BusError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'BusError';
  }

  static from(payload: ErrorPayload): BusError {
    return new BusError(payload.code, payload.message, payload.fields, payload.retryAfter);
  }

  toPayload(): ErrorPayload {
    return {
      code: this.code,
      message: this.message,
      ...(this.fields ? { fields: this.fields } : {}),
      ...(this.retryAfter !== undefined ? { retryAfter: this.retryAfter } : {}),
    };
  }
}
