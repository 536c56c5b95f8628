import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium, newPerson, PageProblems, screenshot } from '../support/browser';
import { readJson, tokenHeaders, UserBody } from '../support/http-client';
import { eventually, startTestStack, TestStack } from '../support/stack';

/**
 * The seed's browser steps (docs: user management), walked in headless Chromium against the
 * running system: sign up, People, "+ Add People" and Reset Link, a second person joining through
 * the copied link, Account & Settings, the API token, log out and in again, and the signup
 * restriction. Screenshots of every page go to test-artifacts/screenshots/.
 */

const PASSWORD = 'a long enough secret 1';
const HOSTILE_PROJECT = '<img src=x onerror=alert(4)>Cats';
const LABEL_STUDIO = resolve(__dirname, '..', '..', 'bin', 'label-studio.js');
const HOSTILE_FIRST = '<img src=x onerror=alert(1)>';
const HOSTILE_LAST = '"><script>alert(2)</script>';

interface Person {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
}

async function signUpThroughForm(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create Account' }).click();
}

async function logIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** The seed: "click the hamburger icon and click People". */
async function openPeople(page: Page): Promise<void> {
  await page.getByLabel('Main menu').click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }).click();
  await page.waitForURL('**/people/');
  await expectText(page.locator('#people-status'), /(person|people) in this organization/);
}

/** The seed: "click the user icon in the upper right, click Account & Settings". */
async function openAccount(page: Page, shot?: string): Promise<void> {
  await page.getByLabel('User menu').click();
  if (shot) await screenshot(page, shot);
  await page.locator('.menu-panel.right').getByRole('link', { name: 'Account & Settings' }).click();
  await page.waitForURL('**/user/account/');
  await expectValue(page.getByLabel('Access token', { exact: true }), /^[0-9a-f]{40}$/);
}

async function expectText(locator: Locator, pattern: RegExp): Promise<string> {
  return eventually(async () => {
    const text = (await locator.textContent()) ?? '';
    return pattern.test(text) ? text : undefined;
  }, 10_000);
}

async function expectValue(locator: Locator, pattern: RegExp): Promise<string> {
  return eventually(async () => {
    const value = await locator.inputValue();
    return pattern.test(value) ? value : undefined;
  }, 10_000);
}

const clipboard = (page: Page) => page.evaluate<string>('navigator.clipboard.readText()');

/** Whether the element has the keyboard focus. */
const isFocused = (locator: Locator) => locator.evaluate((node) => node === node.ownerDocument.activeElement);

async function whoamiWith(baseUrl: string, token: string): Promise<Response> {
  return fetch(`${baseUrl}/api/current-user/whoami`, { headers: tokenHeaders(token) });
}

/** A picture a person looking at the screenshots can recognise: a sun over a hill, in colour. */
async function png(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2b6cd4"/><stop offset="1" stop-color="#9fd0ff"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#sky)"/>
    <circle cx="${width * 0.68}" cy="${height * 0.35}" r="${Math.min(width, height) * 0.16}" fill="#ffd23f"/>
    <ellipse cx="${width * 0.3}" cy="${height * 1.05}" rx="${width * 0.7}" ry="${height * 0.45}" fill="#2f9e44"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** `label-studio labeling_event …`: the development aid that stands in for a labeling backend. */
async function labelingEvent(sut: TestStack, kind: string, options: Record<string, string | number>) {
  const args = [kind, ...Object.entries(options).flatMap(([name, value]) => [`--${name}`, String(value)])];
  await promisify(execFile)(process.execPath, [LABEL_STUDIO, 'labeling_event', ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...sut.nats.envFor('admin'), BUS_TIMEOUT_MS: '3000' },
    timeout: 30_000,
  });
}

describe('the web UI in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe('with signup open', () => {
    let sut: TestStack;
    let ann: Person;
    let bob: Person;
    let inviteLink: string;
    let oldInviteLink: string;

    beforeAll(async () => {
      sut = await startTestStack();
      ann = await newPerson(browser, sut.baseUrl);
    });
    afterAll(async () => {
      await ann?.context.close();
      await bob?.context.close();
      await sut?.dispose();
    });
    afterEach(() => {
      expect(ann?.problems.take() ?? []).toEqual([]);
      expect(bob?.problems.take() ?? []).toEqual([]);
    });

    it('sends an anonymous visitor to log in, and the sign-up page creates an account and logs in', async () => {
      const { page } = ann;
      await page.goto('/people/');
      expect(new URL(page.url()).pathname).toBe('/user/login/');
      expect(new URL(page.url()).searchParams.get('next')).toBe('/people/');
      await screenshot(page, '01-login');

      await page.getByRole('link', { name: 'Sign up' }).click();
      await page.waitForURL('**/user/signup/**');
      await expect(page.title()).resolves.toBe('Sign up · Label Studio');
      await screenshot(page, '02-signup');
      await signUpThroughForm(page, 'ann@example.com');
      // The `next` of the log-in page came along: the new account lands on People.
      await page.waitForURL('**/people/');
      await expectText(page.locator('#people-status'), /1 person in this organization/);
    });

    it('lands on Projects, with a menu that leads to People and Account & Settings', async () => {
      const { page } = ann;
      await page.goto('/');
      await page.waitForURL('**/projects/');
      await expect(page.locator('h1').textContent()).resolves.toBe('Projects');
      await page.getByLabel('Main menu').click();
      await screenshot(page, '03-projects-menu');
      // Escape closes the menu and gives the focus back to its button.
      await page.keyboard.press('Escape');
      expect(await page.locator('details[data-menu]').first().getAttribute('open')).toBeNull();
      await openPeople(page);
      const rows = page.locator('#people-rows tr');
      await expect(rows.count()).resolves.toBe(1);
      await expect(rows.first().textContent()).resolves.toContain('ann@example.com');
      await expect(rows.first().locator('.avatar').textContent()).resolves.toBe('an');
      await expect(rows.first().locator('td').nth(3).textContent()).resolves.toMatch(/Never|just now|minute/);
      await screenshot(page, '04-people');
    });

    it('"+ Add People" shows the invitation link; Copy copies it and Reset Link replaces it', async () => {
      const { page } = ann;
      const add = page.getByRole('button', { name: '+ Add People' });
      await add.click();
      const dialog = page.getByRole('dialog', { name: 'Invite people' });
      await dialog.waitFor();
      const link = await expectValue(page.getByLabel('Invitation link'), /\/user\/signup\/\?token=/);
      expect(link.startsWith(`${sut.baseUrl}/user/signup/?token=`)).toBe(true);
      const api = (await (await page.request.get('/api/invite')).json()) as { invite_url: string };
      expect(link).toBe(`${sut.baseUrl}${api.invite_url}`);

      await dialog.getByRole('button', { name: 'Copy' }).click();
      await expectText(page.locator('#invite-status'), /Copied/);
      expect(await clipboard(page)).toBe(link);
      await screenshot(page, '05-add-people');

      await dialog.getByRole('button', { name: 'Reset Link' }).click();
      await expectText(page.locator('#invite-status'), /old link no longer works/);
      const fresh = await page.getByLabel('Invitation link').inputValue();
      expect(fresh).not.toBe(link);
      expect(fresh).toMatch(/\/user\/signup\/\?token=[A-Za-z0-9]{40}$/);
      await screenshot(page, '06-reset-link');
      await dialog.getByRole('button', { name: 'Copy' }).click();
      await expectText(page.locator('#invite-status'), /Copied/);
      inviteLink = await clipboard(page);
      expect(inviteLink).toBe(fresh);
      oldInviteLink = link;

      // Escape closes the dialog and the focus goes back to the button that opened it.
      await page.keyboard.press('Escape');
      await expect(dialog.isVisible()).resolves.toBe(false);
      await expect(isFocused(add)).resolves.toBe(true);
    });

    it('refuses the old link with a clear message', async () => {
      const stranger = await newPerson(browser, sut.baseUrl);
      try {
        await stranger.page.goto(oldInviteLink);
        await expectText(stranger.page.locator('.notice'), /invitation link is not valid/);
        await screenshot(stranger.page, '07-signup-old-link');
        stranger.problems.expect(/status of 403/);
        await signUpThroughForm(stranger.page, 'late@example.com');
        await expectText(stranger.page.locator('.errors'), /invitation link is not valid/);
        expect(new URL(stranger.page.url()).pathname).toBe('/user/signup/');
        expect(stranger.problems.take()).toEqual([]);
      } finally {
        await stranger.context.close();
      }
    });

    it('lets a second person join through the copied link; they appear in People', async () => {
      bob = await newPerson(browser, sut.baseUrl);
      await bob.page.goto(inviteLink);
      await expect(bob.page.locator('.notice').count()).resolves.toBe(0);
      await screenshot(bob.page, '08-signup-invited');
      await signUpThroughForm(bob.page, 'bob@example.com');
      await bob.page.waitForURL('**/projects/');

      await ann.page.reload();
      await expectText(ann.page.locator('#people-status'), /2 people in this organization/);
      await expect(ann.page.locator('#people-rows').textContent()).resolves.toContain('bob@example.com');
    });

    it('Account & Settings saves names and phone; a reload shows them; hostile names stay text', async () => {
      const { page } = bob;
      await openAccount(page, '09-user-menu');
      await expect(page.title()).resolves.toBe('Account & Settings · Label Studio');
      await page.getByLabel('First name').fill(HOSTILE_FIRST);
      await page.getByLabel('Last name').fill(HOSTILE_LAST);
      await page.getByLabel('Phone').fill('+1 555 0100');
      await page.getByRole('button', { name: 'Save' }).click();
      await expectText(page.locator('#account-status'), /^Saved\.$/);
      await expect(page.locator('[data-nav-name]').textContent()).resolves.toBe(
        `${HOSTILE_FIRST} ${HOSTILE_LAST}`,
      );
      await page.reload();
      await expect(page.getByLabel('First name').inputValue()).resolves.toBe(HOSTILE_FIRST);
      await expect(page.getByLabel('Last name').inputValue()).resolves.toBe(HOSTILE_LAST);
      await expect(page.getByLabel('Phone').inputValue()).resolves.toBe('+1 555 0100');
      await expect(page.locator('[data-nav-name]').textContent()).resolves.toBe(
        `${HOSTILE_FIRST} ${HOSTILE_LAST}`,
      );
      await expect(page.locator('img:not(.avatar), script:not([src])').count()).resolves.toBe(0);
      await screenshot(page, '10-account-hostile-name');
    });

    it('People shows the hostile name as text, and a row opens the person’s details', async () => {
      const { page } = ann;
      await page.reload();
      await expectText(page.locator('#people-status'), /2 people/);
      const row = page.locator('#people-rows tr', { hasText: 'bob@example.com' });
      await expect(row.locator('td').nth(2).textContent()).resolves.toBe(`${HOSTILE_FIRST} ${HOSTILE_LAST}`);
      await expect(page.locator('#people-rows img:not(.avatar)').count()).resolves.toBe(0);
      await screenshot(page, '11-people-two');

      await row.locator('td').nth(3).click();
      const details = page.getByRole('dialog', { name: `${HOSTILE_FIRST} ${HOSTILE_LAST}` });
      await details.waitFor();
      await expect(details.textContent()).resolves.toContain('+1 555 0100');
      await expect(page.locator('#created-projects').textContent()).resolves.toBe('None');
      await expect(page.locator('#contributed-projects').textContent()).resolves.toBe('None');
      await expect(page.locator('#person-content img:not(.avatar)').count()).resolves.toBe(0);
      await screenshot(page, '12-person-details');
      await page.keyboard.press('Escape');
      await expect(details.isVisible()).resolves.toBe(false);

      // From the keyboard: the person's email is a button in the row; Enter opens the details.
      await row.getByRole('button', { name: 'bob@example.com' }).focus();
      await page.keyboard.press('Enter');
      await details.waitFor();
      await page.keyboard.press('Escape');
      await expect(isFocused(row.getByRole('button', { name: 'bob@example.com' }))).resolves.toBe(true);
    });

    it('a person’s details list the projects they created and contributed to', async () => {
      const { page } = ann;
      const me = (await (await page.request.get('/api/current-user/whoami')).json()) as UserBody;
      const bobRow = page.locator('#people-rows tr', { hasText: 'bob@example.com' });
      const bobId = Number(await bobRow.getAttribute('data-user-id'));
      await labelingEvent(sut, 'project_created', {
        project: 7,
        organization: me.active_organization!,
        title: HOSTILE_PROJECT,
        user: me.id,
      });
      await labelingEvent(sut, 'annotation_created', { annotation: 31, project: 7, user: bobId });
      await labelingEvent(sut, 'annotation_created', { annotation: 32, project: 7, user: me.id });

      const annRow = page.locator('#people-rows tr', { hasText: 'ann@example.com' });
      await eventually(async () => {
        await page.reload();
        await expectText(page.locator('#people-status'), /2 people/);
        await annRow.getByRole('button', { name: 'ann@example.com' }).click();
        const created = await page.locator('#created-projects').textContent();
        if (created === HOSTILE_PROJECT) return true;
        await page.keyboard.press('Escape');
        return undefined;
      });
      await expect(page.locator('#contributed-projects').textContent()).resolves.toBe(HOSTILE_PROJECT);
      await expect(page.locator('#person-content img:not(.avatar)').count()).resolves.toBe(0);
      await screenshot(page, '13-person-projects');
      await page.keyboard.press('Escape');

      await bobRow.getByRole('button', { name: 'bob@example.com' }).click();
      await expectText(page.locator('#contributed-projects'), /Cats/);
      await expect(page.locator('#contributed-projects').textContent()).resolves.toBe(HOSTILE_PROJECT);
      await expect(page.locator('#created-projects').textContent()).resolves.toBe('None');
      await page.keyboard.press('Escape');
    });

    it('Account & Settings edits the first person’s names; Save persists them', async () => {
      const { page } = ann;
      await openAccount(page);
      await page.getByLabel('First name').fill('Ann');
      await page.getByLabel('Last name').fill('Lee');
      await page.getByLabel('Phone').fill('555-0199');
      await page.getByRole('button', { name: 'Save' }).click();
      await expectText(page.locator('#account-status'), /^Saved\.$/);
      await page.reload();
      await expect(page.getByLabel('First name').inputValue()).resolves.toBe('Ann');
      await expect(page.getByLabel('Last name').inputValue()).resolves.toBe('Lee');
      await expect(page.getByLabel('Phone').inputValue()).resolves.toBe('555-0199');
      await expect(page.locator('[data-nav-avatar]').textContent()).resolves.toContain('AL');
      await screenshot(page, '14-account');
    });

    it('shows the API token; Copy copies it; Reset makes a new one and the old one gets 401', async () => {
      const { page } = ann;
      const tokenField = page.getByLabel('Access token', { exact: true });
      const token = await expectValue(tokenField, /^[0-9a-f]{40}$/);
      expect((await whoamiWith(sut.baseUrl, token)).status).toBe(200);
      await page.getByRole('button', { name: 'Copy', exact: true }).click();
      await expectText(page.locator('#token-status'), /Copied/);
      expect(await clipboard(page)).toBe(token);

      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Reset token' }).click();
      await expectText(page.locator('#token-status'), /old token no longer works/);
      const fresh = await tokenField.inputValue();
      expect(fresh).toMatch(/^[0-9a-f]{40}$/);
      expect(fresh).not.toBe(token);
      const old = await whoamiWith(sut.baseUrl, token);
      expect(old.status).toBe(401);
      expect(await readJson(old)).toMatchObject({ detail: 'Invalid token.' });
      expect((await readJson<UserBody>(await whoamiWith(sut.baseUrl, fresh))).email).toBe('ann@example.com');
      await screenshot(page, '15-account-token-reset');
    });

    it('Personal Access Token: created and shown once with Copy, its dates, revoked; the owner switches token kinds', async () => {
      const { page } = ann;
      await expectText(page.locator('#pat-none'), /no personal access token/);
      await page.getByRole('button', { name: 'Create personal access token' }).click();
      const pat = await expectValue(page.getByLabel('Your new token'), /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      await page.getByRole('button', { name: 'Copy the new token' }).click();
      await expectText(page.locator('#pat-status'), /Copied/);
      expect(await clipboard(page)).toBe(pat);
      await expectText(page.locator('#pat-created'), /20\d\d/);
      await expectText(page.locator('#pat-expires'), /22\d\d/);
      // As the SDK uses it: exchanged for an access token, sent as Bearer.
      const refreshed = await fetch(`${sut.baseUrl}/api/token/refresh/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh: pat }),
      });
      const { access } = await readJson<{ access: string }>(refreshed);
      const asBearer = { authorization: `Bearer ${access}` };
      const me = await fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers: asBearer });
      expect((await readJson<UserBody>(me)).email).toBe('ann@example.com');
      await screenshot(page, '15b-account-personal-access-token');

      // Shown once: after a reload only its dates are there.
      await page.reload();
      await expectText(page.locator('#pat-created'), /20\d\d/);
      expect(await page.locator('#pat-new').isHidden()).toBe(true);
      expect(await page.content()).not.toContain(pat.split('.')[2]);
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Revoke' }).click();
      await expectText(page.locator('#pat-status'), /revoked/);
      await expectText(page.locator('#pat-none'), /no personal access token/);
      const again = await fetch(`${sut.baseUrl}/api/token/refresh/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh: pat }),
      });
      expect(again.status).toBe(401);

      // The owner's switches: legacy tokens off refuses them with Label Studio's message, on again works.
      const legacyToken = await page.getByLabel('Access token', { exact: true }).inputValue();
      const legacy = page.getByLabel('Legacy tokens');
      await eventually(async () => ((await legacy.isEnabled()) ? true : undefined));
      expect(await legacy.isChecked()).toBe(true);
      expect(await page.getByLabel('Personal access tokens').isChecked()).toBe(true);
      await legacy.uncheck();
      await page.getByRole('button', { name: 'Apply token settings' }).click();
      await expectText(page.locator('#token-settings-status'), /saved/);
      await screenshot(page, '15c-account-token-settings');
      const refused = await whoamiWith(sut.baseUrl, legacyToken);
      expect(refused.status).toBe(401);
      expect(await readJson(refused)).toMatchObject({
        detail:
          'Authentication token no longer valid: legacy token authentication has been disabled for this organization',
      });
      await page.reload();
      await eventually(async () => ((await legacy.isEnabled()) ? true : undefined));
      expect(await legacy.isChecked()).toBe(false);
      await legacy.check();
      await page.getByRole('button', { name: 'Apply token settings' }).click();
      await expectText(page.locator('#token-settings-status'), /saved/);
      expect((await whoamiWith(sut.baseUrl, legacyToken)).status).toBe(200);

      // A member who does not own the organization sees no switches.
      await bob.page.goto(`${sut.baseUrl}/user/account/`);
      await expectText(bob.page.locator('#pat-none'), /no personal access token/);
      expect(await bob.page.locator('#token-settings').count()).toBe(0);
    });

    it('offers to scale down a picture over 512 x 512, uploads it and shows it everywhere', async () => {
      const { page } = ann;
      await page.getByLabel('Profile picture').setInputFiles({
        name: 'holiday.png',
        mimeType: 'image/png',
        buffer: await png(1024, 768),
      });
      await expectText(page.locator('#avatar-offer-text'), /1024 × 768 pixels, larger than 512 × 512/);
      await expect(page.locator('#picture-preview img').getAttribute('src')).resolves.toMatch(/^blob:/);
      await screenshot(page, '16-avatar-offer');

      await page.getByRole('button', { name: 'Resize to fit 512 × 512' }).click();
      await expectText(page.locator('#avatar-status'), /Resized to 512 × 384 pixels/);
      await page.getByRole('button', { name: 'Save' }).click();
      await expectText(page.locator('#account-status'), /Saved, with the new picture/);
      // The scripts write absolute URLs, the server relative ones: both name one stored image.
      const pictureOf = async (img: Locator) => new URL((await img.getAttribute('src'))!, sut.baseUrl).href;
      const src = await pictureOf(page.locator('#picture-preview img'));
      expect(src).toMatch(/\/data\/avatars\/[0-9a-f]{32}\.png$/);
      await expect(pictureOf(page.locator('[data-nav-avatar] img'))).resolves.toBe(src);
      const picture = await page.request.get(src);
      expect(picture.status()).toBe(200);
      expect(picture.headers()['content-type']).toBe('image/png');
      const size = await sharp(await picture.body()).metadata();
      expect([size.width, size.height]).toEqual([512, 384]);
      await page.reload();
      await expect(pictureOf(page.locator('#picture-preview img'))).resolves.toBe(src);
      await expect(pictureOf(page.locator('[data-nav-avatar] img'))).resolves.toBe(src);
      await expect(page.getByRole('button', { name: 'Remove picture' }).isVisible()).resolves.toBe(true);
      await screenshot(page, '17-account-avatar');

      await openPeople(page);
      const row = page.locator('#people-rows tr', { hasText: 'ann@example.com' });
      await expect(pictureOf(row.locator('img.avatar'))).resolves.toBe(src);
      await screenshot(page, '18-people-avatar');
    });

    it('shows the server’s message when a picture is refused (too large, or not an image)', async () => {
      const { page, problems } = ann;
      await openAccount(page);
      await page.getByLabel('Profile picture').setInputFiles({
        name: 'big.png',
        mimeType: 'image/png',
        buffer: await png(800, 600),
      });
      await page.locator('#avatar-offer').waitFor();
      problems.expect(/status of 400/);
      await page.getByRole('button', { name: 'Save' }).click();
      await expectText(page.locator('#avatar-status'), /The picture was not saved: .*512/);
      await expectText(page.locator('#account-status'), /Not everything was saved: the picture/);
      await screenshot(page, '19-avatar-refused');

      const hostile = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(3)</script></svg>');
      await page.getByLabel('Profile picture').setInputFiles({
        name: '<b>evil</b>.png',
        mimeType: 'image/png',
        buffer: hostile,
      });
      await expectText(page.locator('#avatar-status'), /cannot be shown as a picture/);
      problems.expect(/status of 400/);
      await page.getByRole('button', { name: 'Save' }).click();
      const message = await expectText(page.locator('#avatar-status'), /The picture was not saved: ./);
      expect(message).not.toContain('Internal');
      await expect(page.locator('#picture-preview b, #avatar-status b').count()).resolves.toBe(0);
      await screenshot(page, '20-avatar-not-an-image');

      // The saved picture is still there until removed; then the initials come back.
      await page.getByRole('button', { name: 'Remove picture' }).click();
      await expectText(page.locator('#avatar-status'), /Picture removed/);
      await expect(page.locator('#picture-preview').textContent()).resolves.toBe('AL');
      await expect(page.locator('[data-nav-avatar]').textContent()).resolves.toBe('AL');
      await expect(page.getByRole('button', { name: 'Remove picture' }).isVisible()).resolves.toBe(false);
    });

    it('logs out from the user menu, and logging in again returns to the page asked for', async () => {
      const { page } = ann;
      await page.getByLabel('User menu').click();
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL('**/user/login/**');
      await page.goto('/user/account/');
      expect(new URL(page.url()).searchParams.get('next')).toBe('/user/account/');
      await logIn(page, 'ann@example.com');
      await page.waitForURL('**/user/account/');
      await expect(page.getByLabel('First name').inputValue()).resolves.toBe('Ann');

      // A `next` that leaves the site is ignored.
      const other = await newPerson(browser, sut.baseUrl);
      try {
        await other.page.goto('/user/login/?next=https://evil.example/steal');
        await logIn(other.page, 'ann@example.com');
        await other.page.waitForURL('**/projects/');
        expect(other.problems.take()).toEqual([]);
      } finally {
        await other.context.close();
      }
    });

    it('pages through many people, 30 at a time, and keeps the page on reload', async () => {
      const { page } = ann;
      const { token } = (await (await page.request.get('/api/current-user/token')).json()) as {
        token: string;
      };
      for (let i = 0; i < 31; i += 1) {
        const name = `p${String(i).padStart(2, '0')}`;
        const res = await fetch(`${sut.baseUrl}/api/users/`, {
          method: 'POST',
          headers: { ...tokenHeaders(token), 'content-type': 'application/json' },
          body: JSON.stringify({ email: `${name}@example.com`, username: name }),
        });
        expect(res.status).toBe(201);
      }
      await openPeople(page);
      await expectText(page.locator('#people-status'), /33 people/);
      await expect(page.locator('#people-rows tr').count()).resolves.toBe(30);
      await expect(page.locator('#people-range').textContent()).resolves.toBe('1–30 of 33');
      await expect(page.getByRole('button', { name: 'Previous' }).isDisabled()).resolves.toBe(true);

      await page.getByRole('button', { name: 'Next' }).click();
      await expectText(page.locator('#people-range'), /^31–33 of 33$/);
      await expect(page.locator('#people-rows tr').count()).resolves.toBe(3);
      expect(new URL(page.url()).searchParams.get('page')).toBe('2');
      await screenshot(page, '21-people-page-2');
      await page.reload();
      await expectText(page.locator('#people-range'), /^31–33 of 33$/);
      await page.getByRole('button', { name: 'Previous' }).click();
      await expectText(page.locator('#people-range'), /^1–30 of 33$/);
      expect(new URL(page.url()).searchParams.get('page')).toBeNull();
    });

    it('saves Account & Settings without JavaScript too (the form posts to /user/account/)', async () => {
      const context = await browser.newContext({ baseURL: sut.baseUrl, javaScriptEnabled: false });
      try {
        const page = await context.newPage();
        await page.goto('/user/account/');
        await logIn(page, 'bob@example.com');
        await page.waitForURL('**/user/account/');
        await expect(page.getByLabel('First name').inputValue()).resolves.toBe(HOSTILE_FIRST);
        await page.getByLabel('First name').fill('Bob');
        await page.getByLabel('Last name').fill('<b>Stone</b>');
        await page.getByRole('button', { name: 'Save' }).click();
        await page.waitForURL('**/user/account/?saved=1');
        await expect(page.locator('.success').textContent()).resolves.toBe('Your changes were saved.');
        await expect(page.getByLabel('Last name').inputValue()).resolves.toBe('<b>Stone</b>');
        await expect(page.locator('[data-nav-name]').textContent()).resolves.toBe('Bob <b>Stone</b>');
        await expect(page.locator('main b').count()).resolves.toBe(0);
        await screenshot(page, '22-account-without-script');
      } finally {
        await context.close();
      }
    });

    it('serves the pages with a strict Content Security Policy and the scripts as cached files', async () => {
      const res = await fetch(`${sut.baseUrl}/user/login/`);
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const directive of [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
      ]) {
        expect(csp).toContain(directive);
      }
      const html = await res.text();
      const css = /href="(\/static\/[0-9a-f]+\/app\.css)"/.exec(html)?.[1];
      expect(css).toBeDefined();
      const asset = await fetch(`${sut.baseUrl}${css}`);
      expect(asset.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
      const script = await fetch(`${sut.baseUrl}/static/people.js`);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(script.headers.get('cache-control')).toBe('no-cache');
      const again = await fetch(`${sut.baseUrl}/static/people.js`, {
        headers: { 'if-none-match': script.headers.get('etag')! },
      });
      expect(again.status).toBe(304);
      for (const path of [
        '/static/../config.js',
        '/static/people.ts',
        '/static/x/..%2Fhtml.js',
        '/static/missing.js',
      ]) {
        expect((await fetch(`${sut.baseUrl}${path}`)).status).toBe(404);
      }
    });
  });

  describe('with signup restricted to invitation links', () => {
    let sut: TestStack;

    beforeAll(async () => {
      sut = await startTestStack({
        LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK: 'true',
        LABEL_STUDIO_USERNAME: 'owner@example.com',
        LABEL_STUDIO_PASSWORD: PASSWORD,
      });
      // The bootstrap account founds the organization as the system comes up.
      await eventually(async () => {
        const rows = await sut.query('invitations', 'SELECT id FROM organization');
        return rows.length ? rows : undefined;
      });
    });
    afterAll(async () => {
      await sut?.dispose();
    });

    it('says up front that a link is needed, and refuses a signup without one clearly', async () => {
      const visitor = await newPerson(browser, sut.baseUrl);
      try {
        const { page, problems } = visitor;
        await page.goto('/user/signup/');
        await expectText(page.locator('.notice'), /Signing up needs an invitation link/);
        await expect(page.getByRole('button', { name: 'Create Account' }).isVisible()).resolves.toBe(true);
        await screenshot(page, '23-signup-restricted');
        problems.expect(/status of 403/);
        await signUpThroughForm(page, 'nolink@example.com');
        await expectText(page.locator('.errors'), /Signing up needs an invitation link/);
        await screenshot(page, '24-signup-restricted-refused');
        expect(problems.take()).toEqual([]);
      } finally {
        await visitor.context.close();
      }
    });

    it('admits a person with the owner’s link', async () => {
      const owner = await newPerson(browser, sut.baseUrl);
      const invited = await newPerson(browser, sut.baseUrl);
      try {
        await owner.page.goto('/user/login/');
        await logIn(owner.page, 'owner@example.com');
        await owner.page.waitForURL('**/projects/');
        await openPeople(owner.page);
        await owner.page.getByRole('button', { name: '+ Add People' }).click();
        const link = await expectValue(owner.page.getByLabel('Invitation link'), /\?token=/);

        await invited.page.goto(link);
        await expect(invited.page.locator('.notice').count()).resolves.toBe(0);
        await signUpThroughForm(invited.page, 'invited@example.com');
        await invited.page.waitForURL('**/projects/');
        await screenshot(invited.page, '25-projects-invited');

        await owner.page.keyboard.press('Escape');
        await owner.page.reload();
        await expectText(owner.page.locator('#people-status'), /2 people/);
        await expect(owner.page.locator('#people-rows').textContent()).resolves.toContain(
          'invited@example.com',
        );
        expect([...owner.problems.take(), ...invited.problems.take()]).toEqual([]);
      } finally {
        await owner.context.close();
        await invited.context.close();
      }
    });
  });
});
