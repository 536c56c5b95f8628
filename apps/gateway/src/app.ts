import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { acceptCorrelationId, requestScope } from '@app/logging';
import { startMetrics } from '@app/metrics';
import { GatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { recordHttpMetrics } from './http/http-metrics.middleware';
import { refuseTrailingSlash } from './http/trailing-slash.middleware';
import { API_VERSION } from './errors/http-error.filter';
import { OpenApiDocument } from './openapi/openapi-document';

const NO_INDEX = /^\/(user\/login|user\/signup|api\/invite|api\/invite\/reset-token|password-reset)(\/|$)/;

/** The origin of LABEL_STUDIO_HOST (avatar URLs are prefixed with it), if it is an absolute URL. */
function publicOrigin(host: string): string[] {
  try {
    return host ? [new URL(host).origin] : [];
  } catch {
    return [];
  }
}

/** Builds the gateway: security headers, capped body parsing, correlation ids, then Nest's routes. */
export async function createGatewayApp(config: GatewayConfig): Promise<INestApplication> {
  const server = express();
  server.disable('x-powered-by');
  server.set('trust proxy', config.trustProxyHops);
  server.set('query parser', 'simple');

  const app = await NestFactory.create(GatewayModule.forRoot(config), new ExpressAdapter(server), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  startMetrics('gateway');
  app.use(recordHttpMetrics);

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          // The pages load only the gateway's own files: no inline script or style, no eval, no
          // third-party origin. `blob:` images are the profile picture previews.
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          // Avatar URLs carry LABEL_STUDIO_HOST when it is set: that origin may serve images too.
          imgSrc: ["'self'", 'data:', 'blob:', ...publicOrigin(config.publicHost)],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          manifestSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          // The scripts never write markup from strings; the browser enforces it (Trusted Types).
          requireTrustedTypesFor: ["'script'"],
          trustedTypes: ["'none'"],
        },
      },
      crossOriginEmbedderPolicy: false,
      // Only meaningful behind TLS, which is also when cookies are marked Secure.
      strictTransportSecurity: config.cookieSecure,
    }),
  );
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
  app.use(refuseTrailingSlash);
  app.use(cookieParser());
  // Bodies are capped while reading: an oversized request is refused before it is buffered.
  app.use(express.json({ limit: config.bodyLimitBytes, strict: true }));
  app.use(express.urlencoded({ limit: config.bodyLimitBytes, extended: false, parameterLimit: 100 }));
  app.get(OpenApiDocument).build(app, API_VERSION);
  return app;
}
