import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Browser, BrowserContext, chromium, ConsoleMessage, Page } from 'playwright-core';

/** Debian's Chromium; `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const SCREENSHOT_DIR = resolve(__dirname, '..', '..', 'test-artifacts', 'screenshots');

/** A headless Chromium for the browser tests; a clear failure when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM_PATH}. Install it with ` +
        '`sudo scripts/ensure-chromium.sh` (Debian: `apt-get install chromium`), ' +
        'or set CHROMIUM_PATH to another Chromium or Chrome binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Everything that went wrong on the pages of one browser context: uncaught errors, console errors
 * (Content Security Policy and Trusted Types violations among them) and alerts, which only an
 * injected script would raise. Expected failures (a refused form answers 403) are declared with
 * `expect`, once each.
 */
export class PageProblems {
  readonly seen: string[] = [];
  private readonly expected: RegExp[] = [];

  watch(page: Page): void {
    page.on('pageerror', (error) => this.seen.push(`page error: ${error.message}`));
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error' && !/Content Security Policy|Trusted Type/i.test(message.text())) return;
      const text = `console ${message.type()}: ${message.text()} (${message.location().url})`;
      const index = this.expected.findIndex((pattern) => pattern.test(text));
      if (index >= 0) this.expected.splice(index, 1);
      else this.seen.push(text);
    });
    page.on('dialog', (dialog) => {
      if (dialog.type() === 'alert') this.seen.push(`alert: ${dialog.message()}`);
    });
  }

  /** The next console error matching `pattern` is expected (e.g. the 403 of a refused signup). */
  expect(pattern: RegExp): void {
    this.expected.push(pattern);
  }

  /** Takes the problems seen so far (for `expect(...).toEqual([])`). */
  take(): string[] {
    return this.seen.splice(0);
  }
}

/** A fresh browser profile (cookies, storage, permissions) with its problems watched. */
export async function newPerson(
  browser: Browser,
  baseUrl: string,
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  const problems = new PageProblems();
  context.on('page', (page) => problems.watch(page));
  const page = await context.newPage();
  return { context, page, problems };
}

/** A full-page screenshot kept as a test artifact: test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = resolve(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
