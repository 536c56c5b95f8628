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
import { acceptCorrelationId, requestScope } from '@app/logging';
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
