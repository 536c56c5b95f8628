import { Request } from 'express';

/** More methods than any endpoint serves: the route is `app.all` middleware. */
const EVERY_METHOD_THRESHOLD = 8;

interface RouteLayer {
  route?: { methods: Record<string, boolean> };
  match(path: string): boolean;
}

/**
 * The methods the gateway serves at a path (HEAD with GET, as Express does), read from the
 * router itself so it can never disagree with the routes. Asked only for a request that matched
 * no route, so a served request pays nothing for it.
 */
export function allowedMethods(req: Request): string[] {
  const router = (req.app as unknown as { router?: { stack?: RouteLayer[] } }).router;
  const methods = new Set<string>();
  for (const layer of router?.stack ?? []) {
    if (!layer.route) continue;
    let matches: boolean;
    try {
      matches = layer.match(req.path);
    } catch {
      matches = false;
    }
    if (!matches) continue;
    const served = Object.entries(layer.route.methods)
      .filter(([method, on]) => on && method !== '_all')
      .map(([method]) => method.toUpperCase());
    // Middleware mounted for every method (`app.all`, as Nest mounts route middleware) is no endpoint.
    if (served.length > EVERY_METHOD_THRESHOLD) continue;
    for (const method of served) methods.add(method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return methods.size > 1 ? [...methods].sort() : [];
}
