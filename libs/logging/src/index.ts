import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino, { Logger as PinoLogger } from 'pino';

export interface RequestScope {
  correlationId: string;
  /** When the caller stops waiting for the answer (ms since epoch), if it said so. */
  deadline?: number;
}

/** Carries the correlation id through everything a request or message causes. */
export const requestScope = new AsyncLocalStorage<RequestScope>();

export const currentCorrelationId = (): string | undefined => requestScope.getStore()?.correlationId;

/** When the caller of the current message stops waiting (ms since epoch), if known. */
export const currentDeadline = (): number | undefined => requestScope.getStore()?.deadline;

export const newCorrelationId = (): string => randomUUID();

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** An incoming id is reused only when it is a plain token; anything else gets a fresh one. */
export function acceptCorrelationId(value: unknown): string {
  return typeof value === 'string' && CORRELATION_ID.test(value) ? value : newCorrelationId();
}

/** Field names whose values never reach a log line. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'key',
  '*.key',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-csrftoken"]',
  'res.headers["set-cookie"]',
];

const SECRET_QUERY = /([?&](?:token|key|password)=)[^&#]*/gi;

/** A URL as it may be logged: secret-bearing query values are replaced. */
export function redactQuery(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

export function createLogger(service: string, level: string): PinoLogger {
  return pino({
    name: service,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: () => {
      const id = currentCorrelationId();
      return id ? { correlationId: id } : {};
    },
  });
}

export type { PinoLogger };
