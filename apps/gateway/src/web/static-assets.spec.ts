import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STATIC_DIR, StaticAssets } from './static-assets';

function assetsIn(files: Record<string, string>): StaticAssets {
  const dir = mkdtempSync(join(tmpdir(), 'assets-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return new StaticAssets(dir);
}

describe('StaticAssets', () => {
  it('serves the shipped stylesheet and scripts with their content types', () => {
    const assets = new StaticAssets(STATIC_DIR);
    for (const name of ['app.css', 'common.js', 'format.js', 'nav.js', 'people.js', 'account.js']) {
      expect(assets.get(name)).toBeDefined();
    }
    expect(assets.get('app.css')!.contentType).toBe('text/css; charset=utf-8');
    expect(assets.get('people.js')!.contentType).toBe('text/javascript; charset=utf-8');
  });

  it('links every asset under one version that changes with any content', () => {
    const a = assetsIn({ 'app.css': 'a{}', 'x.js': '1' });
    const b = assetsIn({ 'app.css': 'a{}', 'x.js': '2' });
    expect(a.url('x.js')).toBe(`/static/${a.version}/x.js`);
    expect(a.version).toMatch(/^[0-9a-f]{12}$/);
    expect(b.version).not.toBe(a.version);
    expect(a.get('app.css')!.etag).toBe(b.get('app.css')!.etag);
  });

  it.each(['../static-assets.ts', 'x.ts', '.hidden.js', 'X.JS', 'a/b.js', 'tsconfig.json'])(
    'serves nothing for %p',
    (name) => {
      const assets = assetsIn({ 'x.ts': '', '.hidden.js': '', 'tsconfig.json': '{}' });
      expect(assets.get(name)).toBeUndefined();
    },
  );

  it('stops at start-up when the build did not copy the assets', () => {
    expect(() => new StaticAssets('/nonexistent/static')).toThrow(/npm run build/);
  });
});
