import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, databaseUrl, loadConfig, z } from './index';

const schema = z.object({ DATABASE_URL: databaseUrl('ls_example') });
const load = (env: Record<string, string | undefined>) => loadConfig(schema, env);
const LOCAL_DEFAULT = 'postgres://postgres@127.0.0.1:5432/ls_example';

describe('databaseUrl', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'database-url-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to the local server outside production (development, tests)', () => {
    expect(load({}).DATABASE_URL).toBe(LOCAL_DEFAULT);
    expect(load({ NODE_ENV: 'development' }).DATABASE_URL).toBe(LOCAL_DEFAULT);
    expect(load({ NODE_ENV: 'test' }).DATABASE_URL).toBe(LOCAL_DEFAULT);
  });

  it('has no default with NODE_ENV=production, and says which variable to set', () => {
    for (const NODE_ENV of ['production', ' production\n']) {
      expect(() => load({ NODE_ENV })).toThrow(ConfigError);
      expect(() => load({ NODE_ENV })).toThrow(
        /DATABASE_URL: DATABASE_URL is required when NODE_ENV=production \(set it or DATABASE_URL_FILE\)/,
      );
    }
  });

  it('reads NODE_ENV from the environment being validated, not from the process', () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(load({ NODE_ENV: 'development' }).DATABASE_URL).toBe(LOCAL_DEFAULT);
    } finally {
      process.env.NODE_ENV = before;
    }
    expect(() => load({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL is required/);
  });

  it('takes DATABASE_URL, or DATABASE_URL_FILE, in production', () => {
    const url = 'postgres://identity:s3cret@postgres:5432/ls_identity';
    expect(load({ NODE_ENV: 'production', DATABASE_URL: url }).DATABASE_URL).toBe(url);
    const file = join(dir, 'database-url');
    writeFileSync(file, `${url}\n`);
    expect(load({ NODE_ENV: 'production', DATABASE_URL_FILE: file }).DATABASE_URL).toBe(url);
    expect(() => load({ NODE_ENV: 'production', DATABASE_URL_FILE: join(dir, 'missing') })).toThrow(
      /DATABASE_URL_FILE: cannot read the file/,
    );
  });

  it('refuses anything but a postgres:// URL, with one message', () => {
    for (const NODE_ENV of ['production', 'development']) {
      let error: unknown;
      try {
        load({ NODE_ENV, DATABASE_URL: 'mysql://x/y' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual(['DATABASE_URL: must be a postgres:// URL']);
    }
    expect(load({ DATABASE_URL: 'postgresql://u@h/db' }).DATABASE_URL).toBe('postgresql://u@h/db');
  });
});
