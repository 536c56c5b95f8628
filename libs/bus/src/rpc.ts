import {
  applyDecorators,
  ArgumentsHost,
  CallHandler,
  Catch,
  Controller,
  createParamDecorator,
  ExceptionFilter,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { NatsContext } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import { ZodError, ZodTypeAny, z } from 'zod';
import { zodFieldErrors } from './field-errors';
import { ErrorCode, FieldErrors, Headers, ParsedRequestOf, RequestContract } from '@app/contracts';
import { acceptCorrelationId, currentDeadline, requestScope } from '@app/logging';
import { BusError } from './bus.error';

const headerOf = (ctx: ExecutionContext | ArgumentsHost, name: string): string | undefined => {
  const natsCtx = ctx.switchToRpc().getContext<NatsContext>();
  return natsCtx?.getHeaders?.()?.get(name) || undefined;
};

/** Services raise errors as codes; the gateway decides what HTTP status they become. */
export class ServiceError extends BusError {}

export const fail = (code: ErrorCode, message: string, fields?: FieldErrors): never => {
  throw new ServiceError(code, message, fields);
};

/**
 * Throws TIMEOUT once the sender of the current message has stopped waiting for it. Called just
 * before a commit, so that a write whose sender already answered 504 is rolled back rather than
 * made: "failed" then means nothing happened. The margin covers the trip from sender to here.
 */
export function failIfSenderGone(marginMs = 250): void {
  const deadline = currentDeadline();
  if (deadline !== undefined && Date.now() > deadline - marginMs) {
    throw new ServiceError(ErrorCode.Timeout, 'The service did not answer in time, try again shortly');
  }
}

/** Validates a bus payload; a bad one is a VALIDATION_FAILED reply, never a crash. */
export function parsePayload<S extends ZodTypeAny>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw new ServiceError(ErrorCode.ValidationFailed, 'Validation error', zodFieldErrors(result.error));
  }
  return result.data;
}

/** Validates a request against its contract; a bad one is a VALIDATION_FAILED reply, never a crash. */
export const parseRequest = <C extends RequestContract>(contract: C, payload: unknown): ParsedRequestOf<C> =>
  parsePayload(contract.schema, payload) as ParsedRequestOf<C>;

/**
 * Errors that mean the database cannot be reached (refused, restarting, connection lost, no
 * answer in time), as opposed to a bug: the caller gets UNAVAILABLE (503, try again), not a 500.
 * SQLSTATE class 08 (connection exception) and 57P0x (server shutting down or starting).
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);
const UNREACHABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|terminating connection|the database system is (starting up|shutting down)|Client has encountered a connection error/i;

export function isDependencyUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 3; depth++) {
    const { code, message, driverError } = e as { code?: unknown; message?: unknown; driverError?: unknown };
    if (
      typeof code === 'string' &&
      (UNREACHABLE_CODES.has(code) || code.startsWith('08') || /^57P0[1-3]$/.test(code))
    )
      return true;
    if (typeof message === 'string' && UNREACHABLE_MESSAGES.test(message)) return true;
    e = driverError;
  }
  return false;
}

/** Every failure leaves a handler as `{ code, message }`; unexpected ones are logged, not leaked. */
@Catch()
export class BusExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('BusExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    if (exception instanceof BusError) return throwError(() => exception.toPayload());
    if (exception instanceof ZodError) {
      return throwError(() => ({
        code: ErrorCode.ValidationFailed,
        message: 'Validation error',
        fields: zodFieldErrors(exception),
      }));
    }
    const subject = host.switchToRpc().getContext<NatsContext>()?.getSubject?.();
    if (isDependencyUnreachable(exception)) {
      this.logger.warn(
        { subject, reason: exception instanceof Error ? exception.message : String(exception) },
        'Database unreachable',
      );
      return throwError(() => ({
        code: ErrorCode.Unavailable,
        message: 'Service temporarily unavailable, try again shortly',
      }));
    }
    // Only name, message and stack: a database error also carries the query's parameters, which
    // may be password hashes or token digests.
    const err =
      exception instanceof Error
        ? { name: exception.name, message: exception.message, stack: exception.stack }
        : { message: String(exception) };
    this.logger.error({ err, subject }, 'Unhandled error in message handler');
    return throwError(() => ({ code: ErrorCode.Internal, message: 'Internal server error' }));
  }
}

/** Runs the handler inside the caller's correlation scope, so every log line carries the id. */
@Injectable()
export class CorrelationInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const correlationId = acceptCorrelationId(headerOf(ctx, Headers.correlationId));
    return new Observable((subscriber) =>
      requestScope.run({ correlationId }, () => next.handle().subscribe(subscriber)),
    );
  }
}

/** A controller of bus message handlers. */
export const BusController = () =>
  applyDecorators(Controller(), UseFilters(BusExceptionFilter), UseInterceptors(CorrelationInterceptor));

/**
 * The signed-in user a gateway request acts for (`x-caller-id`), or undefined. Only the gateway may
 * send the subjects that read it (NATS enforces the contracts' senders), so it is the gateway's
 * assertion; services still check what this user may touch. Operator subjects never read it.
 */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): number | undefined => {
  const raw = headerOf(ctx, Headers.caller);
  const id = raw ? Number(raw) : NaN;
  return Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? id : undefined;
});
