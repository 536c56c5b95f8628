import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { notFound } from '../errors/api-error';
import { OpenApiDocument } from './openapi-document';

/**
 * Swagger UI cannot run under the pages' Trusted Types policy (it writes markup from strings), so
 * the reference gets a policy of its own: still only the gateway's own files, no third party.
 */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Swagger UI sets style attributes on its elements.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>API reference · Label Studio user management</title>
<link rel="icon" type="image/png" href="/docs/api/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/api/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/api/assets/swagger-ui-bundle.js"></script>
<script src="/docs/api/assets/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '/docs/api/schema/',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // "Try it out" sends the session cookie of this site, like Label Studio's reference does.
  withCredentials: true,
});
`;

interface Asset {
  body: Buffer;
  type: string;
}

/** Where the installed `swagger-ui-dist` keeps Swagger UI's files. */
const SWAGGER_UI = dirname(require.resolve('swagger-ui-dist/package.json'));

/** Swagger UI's own files, plus the page's start-up script. */
const FILES: Record<string, () => Asset> = {
  'swagger-ui.css': () => ({
    body: readFileSync(join(SWAGGER_UI, 'swagger-ui.css')),
    type: 'text/css; charset=utf-8',
  }),
  'swagger-ui-bundle.js': () => ({
    body: readFileSync(join(SWAGGER_UI, 'swagger-ui-bundle.js')),
    type: 'text/javascript; charset=utf-8',
  }),
  'favicon-32x32.png': () => ({
    body: readFileSync(join(SWAGGER_UI, 'favicon-32x32.png')),
    type: 'image/png',
  }),
  'init.js': () => ({ body: Buffer.from(INIT), type: 'text/javascript; charset=utf-8' }),
};

/** Label Studio's API reference: the document at `/docs/api/schema/`, Swagger UI at `/docs/api/`. */
@ApiExcludeController()
@Controller('docs/api')
export class DocsController {
  private readonly assets = new Map<string, Asset>();

  constructor(private readonly document: OpenApiDocument) {}

  @Get(['schema', 'schema/'])
  schema(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(this.document.get());
  }

  @Get(['', '/'])
  page(@Res() res: Response): void {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(PAGE);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Req() req: Request, @Res() res: Response): void {
    const load = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (!load) throw notFound();
    let asset = this.assets.get(name);
    if (!asset) {
      asset = load();
      this.assets.set(name, asset);
    }
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.status(200).end(req.method === 'HEAD' ? undefined : asset.body);
  }
}
