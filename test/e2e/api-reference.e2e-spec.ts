import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { Browser } from 'playwright-core';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { GatewayConfig } from '../../apps/gateway/src/config';
import { DocsController } from '../../apps/gateway/src/openapi/docs.controller';
import { launchChromium, newPerson } from '../support/browser';
import { startTestStack, TestStack } from '../support/stack';

interface OpenApi {
  openapi: string;
  info: { title: string };
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
  >;
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, unknown>;
  required?: string[];
}

const withoutTrailingSlash = (path: string) => (path.length > 1 ? path.replace(/\/$/, '') : path);

const asList = (value: unknown): string[] => (Array.isArray(value) ? value : [value ?? '']).map(String);

/** Every (method, path) the gateway's controllers declare, in OpenAPI's path syntax. */
function declaredRoutes(): Array<[string, string]> {
  // Only the module's list of controllers is read: no setting is used.
  const config = { logLevel: 'silent', nats: {} } as unknown as GatewayConfig;
  const controllers = (GatewayModule.forRoot(config).controllers ?? []) as Array<
    new (...args: never[]) => unknown
  >;
  const routes: Array<[string, string]> = [];
  for (const controller of controllers) {
    if (controller === DocsController) continue; // the reference's own pages
    const prefixes = asList(Reflect.getMetadata(PATH_METADATA, controller));
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (
        name === 'constructor' ||
        typeof handler !== 'function' ||
        !Reflect.hasMetadata(PATH_METADATA, handler)
      ) {
        continue;
      }
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number].toLowerCase();
      for (const prefix of prefixes) {
        for (const path of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
          const joined = `/${[prefix, path].filter((part) => part && part !== '/').join('/')}`
            .replace(/\/+/g, '/')
            .replace(/:([A-Za-z_]+)/g, '{$1}');
          // A route declared with and without its trailing slash is one path of the document.
          routes.push([method, withoutTrailingSlash(joined)]);
        }
      }
    }
  }
  return routes;
}

/**
 * Label Studio serves its API reference at /docs/api/; ours is generated from the routes and the
 * schemas that validate requests, and Swagger UI runs from the gateway's own files.
 */
describe('the API reference', () => {
  let sut: TestStack;
  let document: OpenApi;
  let browser: Browser | undefined;

  beforeAll(async () => {
    sut = await startTestStack();
    const res = await fetch(`${sut.baseUrl}/docs/api/schema/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    document = (await res.json()) as OpenApi;
  });
  afterAll(async () => {
    await browser?.close();
    await sut?.dispose();
  });

  it('is an OpenAPI 3 document with every route of the gateway', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toContain('Label Studio');
    const routes = declaredRoutes();
    expect(routes.length).toBeGreaterThan(30);
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method} ${withoutTrailingSlash(path)}`),
      ),
    );
    const missing = routes.map((route) => route.join(' ')).filter((route) => !documented.has(route));
    expect(missing).toEqual([]);
  });

  it('describes request bodies with the schemas that validate them', () => {
    const create = document.paths['/api/users']?.post?.requestBody?.content['application/json']?.schema;
    expect(create?.properties).toEqual(
      expect.objectContaining({
        email: expect.anything(),
        first_name: expect.anything(),
        phone: expect.anything(),
      }),
    );
    const patch = document.paths['/api/organizations/{id}']?.patch?.requestBody?.content;
    expect(Object.keys(patch ?? {})).toEqual(
      expect.arrayContaining(['application/json', 'application/x-www-form-urlencoded']),
    );
    // PUT is a full update: title is required there, not in PATCH.
    expect(
      document.paths['/api/organizations/{id}']?.put?.requestBody?.content['application/json']?.schema
        .required,
    ).toContain('title');
    expect(patch?.['application/json']?.schema.required ?? []).not.toContain('title');
  });

  it('serves Swagger UI from its own files under a policy of its own', async () => {
    const page = await fetch(`${sut.baseUrl}/docs/api/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('trusted-types');
    const html = await page.text();
    // Nothing from another origin: every script and stylesheet is the gateway's own.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'init.js']) {
      expect((await fetch(`${sut.baseUrl}/docs/api/assets/${asset}`)).status).toBe(200);
    }
    expect((await fetch(`${sut.baseUrl}/docs/api/assets/package.json`)).status).toBe(404);
  });

  it('renders the operations in a browser without a policy violation', async () => {
    browser = await launchChromium();
    const { page, problems, context } = await newPerson(browser, sut.baseUrl);
    const thirdParty: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(sut.baseUrl) && !request.url().startsWith('data:'))
        thirdParty.push(request.url());
    });
    await page.goto('/docs/api/');
    await page.locator('.opblock-summary-path', { hasText: '/api/current-user/whoami' }).first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(30);
    expect(thirdParty).toEqual([]);
    expect(problems.take()).toEqual([]);
    await context.close();
  });
});
