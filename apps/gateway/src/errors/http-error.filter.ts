import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { Request, Response } from 'express';
import { BusError } from '@app/bus';
import { currentCorrelationId, newCorrelationId } from '@app/logging';
import { allowedMethods } from '../http/method-not-allowed';
import { ApiError, toApiError } from './api-error';

export const API_VERSION = '1.20.0';

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

function fromBodyParser(error: BodyParserError): ApiError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new ApiError(413, 'Request body is too large.');
    case 'entity.parse.failed':
      return new ApiError(400, 'JSON parse error - the request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'Unsupported request encoding.');
    case 'parameters.too.many':
      return new ApiError(413, 'Too many form fields.');
    default:
      return undefined;
  }
}

/** Converts anything thrown into something safe to send. Nothing internal ever reaches a response. */
export function toApiErrorFromUnknown(exception: unknown, logger: Logger): ApiError {
  if (exception instanceof ApiError) return exception;
  if (exception instanceof BusError) return toApiError(exception);
  const parserError =
    typeof exception === 'object' && exception !== null ? fromBodyParser(exception) : undefined;
  if (parserError) return parserError;
  if (exception instanceof HttpException) {
    // The gateway raises ApiError itself; an HttpException comes from the framework (unknown
    // route, body parser's SyntaxError, a malformed %-escape). Its text is not echoed.
    const status = exception.getStatus();
    if (status === 404) return new ApiError(404, 'Not found.');
    if (status === 405) return new ApiError(405, 'Method not allowed.');
    if (
      status === 400 &&
      exception.message !== 'Bad Request' &&
      /JSON|Unexpected|Expected/.test(exception.message)
    ) {
      return new ApiError(400, 'JSON parse error - the request body is not valid JSON.');
    }
    if (status === 400) return new ApiError(400, 'Malformed request.');
    return new ApiError(status, status >= 500 ? 'Internal server error' : 'Request refused.');
  }
  logger.error({ err: exception }, 'Unhandled error');
  return new ApiError(500, 'Internal server error');
}

/** Label Studio's error envelope, for every API error. `exc_info` is always null. */
export function envelope(error: ApiError) {
  return {
    id: currentCorrelationId() ?? newCorrelationId(),
    status_code: error.status,
    version: API_VERSION,
    detail: error.detail,
    exc_info: null,
    ...(error.validationErrors ? { validation_errors: error.validationErrors } : {}),
  };
}

/** Nest's answer when no route matched the method and path (a handler's 404 is an ApiError or BusError). */
const isRouteMiss = (exception: unknown): boolean =>
  exception instanceof NotFoundException && /^Cannot [A-Z-]+ /.test(exception.message);

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    let error = toApiErrorFromUnknown(exception, this.logger);
    // No route matched: a path served for other methods answers 405 with them, not 404.
    if (isRouteMiss(exception)) {
      const allow = allowedMethods(req);
      if (allow.length && req.method === 'OPTIONS') {
        res.setHeader('Allow', allow.join(', '));
        res.status(204).end();
        return;
      }
      if (allow.length) {
        error = new ApiError(405, `Method "${req.method.slice(0, 20)}" not allowed.`, undefined, {
          Allow: allow.join(', '),
        });
      }
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    if (error.status >= 500) this.logger.warn(`${req.method} ${req.path} -> ${error.status} ${error.detail}`);
    res.status(error.status).json(error.plainBody ?? envelope(error));
  }
}
