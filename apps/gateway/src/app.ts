import { Server } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { NextFunction, Request, Response } from 'express';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { acceptCorrelationId, requestScope } from '@app/logging';
import { startMetrics } from '@app/metrics';
import { GatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { TokenStrategy } from './auth/strategies/token.strategy';
import { answerBeforeRouting } from './http/before-routing';
import { HttpDrain } from './http/http-drain';
import { recordHttpMetrics } from './http/http-metrics.middleware';
import { noStoreByDefault } from './http/no-store.middleware';
import { securityHeaders, setHeaders } from './http/security-headers';
import { parseMultipartFields, refuseUnsupportedMedia } from './http/strict-input';
import { refuseTrailingSlash } from './http/trailing-slash.middleware';
import { UserDirectory } from './users/user-directory';
import { whoamiFromMemory } from './users/whoami';
import { API_VERSION } from './errors/http-error.filter';
import { OpenApiDocument } from './openapi/openapi-document';

const NO_INDEX = /^\/(user\/login|user\/signup|api\/invite|api\/invite\/reset-token|password-reset)(\/|$)/;

/** Builds the gateway: security headers, capped body parsing, correlation ids, then Nest's routes. */
export async function createGatewayApp(config: GatewayConfig): Promise<INestApplication> {
  const server = express();
  server.disable('x-powered-by');
  server.set('trust proxy', config.trustProxyHops);
  server.set('query parser', 'simple');
  // JSON answers are not revalidated by API clients: no digest of every body. Static files and
  // avatars send their own validators.
  server.set('etag', false);
  const headers = securityHeaders(config);

  const app = await NestFactory.create(GatewayModule.forRoot(config), new ExpressAdapter(server), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoNestLogger));
  // Requests in progress are counted so that SIGTERM can answer them all first (see main.ts).
  app.use(app.get(HttpDrain).middleware);
  startMetrics('gateway');

  // Answered from memory when it can be, before Express sees the request; otherwise the route does.
  answerBeforeRouting(
    app.getHttpServer() as Server,
    whoamiFromMemory(app.get(TokenStrategy), app.get(UserDirectory), headers),
  );
  app.use(recordHttpMetrics);
  app.use((_req: Request, res: Response, next: NextFunction) => {
    setHeaders(res, headers);
    next();
  });
  // Every log line and error body of this request, and every bus message it causes, carries one id.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const correlationId = acceptCorrelationId(req.headers['x-request-id']);
    (req as Request & { id: string }).id = correlationId;
    res.setHeader('X-Request-Id', correlationId);
    requestScope.run({ correlationId }, next);
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (NO_INDEX.test(req.path)) res.append('X-Robots-Tag', 'noindex, nofollow');
    next();
  });
  app.use(noStoreByDefault);
  app.use(refuseTrailingSlash);
  app.use(refuseUnsupportedMedia);
  app.use(cookieParser());
  // Bodies are capped while reading: an oversized request is refused before it is buffered.
  app.use(express.json({ limit: config.bodyLimitBytes, strict: true }));
  app.use(express.urlencoded({ limit: config.bodyLimitBytes, extended: false, parameterLimit: 100 }));
  app.use(parseMultipartFields(config.bodyLimitBytes));
  app.get(OpenApiDocument).build(app, API_VERSION);
  return app;
}
