import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** Where the browser's files live: beside this module, in the source tree and in dist/ alike. */
export const STATIC_DIR = join(__dirname, 'static');

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** Only plain names: no directories, no dot files, nothing but the types above. */
const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(css|js)$/;

export interface StaticAsset {
  name: string;
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * The gateway's CSS and JavaScript, read once at start-up and served from memory. `version` is a
 * digest of all of them: pages link `/static/<version>/<name>`, so a URL names one exact content
 * and can be cached for a year, and a module's relative imports stay within the same version.
 */
export class StaticAssets {
  readonly version: string;
  private readonly assets: Map<string, StaticAsset>;

  constructor(dir: string = STATIC_DIR) {
    if (!existsSync(dir)) {
      throw new Error(`The web assets are missing (${dir}): run \`npm run build\`, which copies them`);
    }
    this.assets = new Map();
    const all = createHash('sha256');
    for (const name of readdirSync(dir).sort()) {
      if (!ASSET_NAME.test(name)) continue;
      const body = readFileSync(join(dir, name));
      const digest = createHash('sha256').update(body).digest('base64url');
      all.update(name).update(digest);
      const contentType = CONTENT_TYPES[extname(name)];
      this.assets.set(name, { name, body, contentType, etag: `"${digest.slice(0, 27)}"` });
    }
    this.version = all.digest('hex').slice(0, 12);
  }

  get(name: string): StaticAsset | undefined {
    return ASSET_NAME.test(name) ? this.assets.get(name) : undefined;
  }

  /** The cache-friendly URL of an asset for pages to link. */
  url(name: string): string {
    if (!this.assets.has(name)) throw new Error(`No web asset named ${name}`);
    return `/static/${this.version}/${name}`;
  }
}
