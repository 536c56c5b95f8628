import { AccountView, accountPage, peoplePage, signupPage } from './pages';

const assets = { url: (name: string) => `/static/v1/${name}` };
const HOSTILE = '<img src=x onerror=alert(1)>"\'&';
const ESCAPED = '&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;';

const user = (overrides: Partial<AccountView> = {}): AccountView => ({
  id: 7,
  email: 'ann@example.com',
  first_name: 'Ann',
  last_name: 'Lee',
  initials: 'AL',
  avatar: null,
  phone: '',
  ...overrides,
});

const LIMITS = { maxWidth: 512, maxHeight: 512, maxBytes: 1024 * 1024 };

describe('server-rendered pages', () => {
  it('states and hands the configured avatar limits to the account script', () => {
    const page = accountPage(assets, {
      user: user(),
      csrf: 'c',
      limits: { maxWidth: 1200, maxHeight: 800, maxBytes: 1024 * 1024 },
    });
    expect(page).toContain('data-avatar-max-width="1200"');
    expect(page).toContain('data-avatar-max-height="800"');
    expect(page).toContain('no larger than 1200 × 800 pixels and 1 MB');
    expect(page).toContain('Resize to fit 1200 × 800');
  });

  it('escapes what people typed wherever the page shows it', () => {
    const page = accountPage(assets, {
      user: user({ first_name: HOSTILE, last_name: HOSTILE, phone: HOSTILE, initials: HOSTILE.slice(0, 2) }),
      csrf: 'c'.repeat(43),
      limits: LIMITS,
    });
    expect(page).not.toContain('<img src=x');
    expect(page.split(ESCAPED).length - 1).toBeGreaterThanOrEqual(4);
  });

  it('shows the picture when there is one, from this site or http(s) only', () => {
    expect(
      accountPage(assets, { user: user({ avatar: '/data/avatars/a.png' }), csrf: 'c', limits: LIMITS }),
    ).toContain('<img class="avatar large" src="/data/avatars/a.png"');
    const page = accountPage(assets, {
      user: user({ avatar: 'javascript:alert(1)' }),
      csrf: 'c',
      limits: LIMITS,
    });
    expect(page).not.toContain('javascript:');
    expect(page).toContain('<span class="avatar large" aria-hidden="true">AL</span>');
  });

  it('links only the gateway’s own versioned assets, as module scripts', () => {
    const page = peoplePage(assets, user(), { id: 3, title: HOSTILE }, 'csrf-token-value');
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<link rel="stylesheet" href="/static/v1/app.css" />');
    expect(page).toContain('<script type="module" src="/static/v1/nav.js"></script>');
    expect(page).toContain('<script type="module" src="/static/v1/people.js"></script>');
    expect(page).toContain('data-organization-id="3"');
    expect(page).toContain(`Members of ${ESCAPED}`);
    // The menu logs out by POST, with the CSRF token.
    expect(page).toMatch(
      /<form class="menu-form" method="post" action="\/logout">\s*<input type="hidden" name="csrfmiddlewaretoken" value="csrf-token-value" \/>/,
    );
    expect(page).not.toContain('href="/logout"');
    // No inline script and no inline event handler anywhere (the CSP would refuse them).
    const plain = peoplePage(assets, user(), { id: 3, title: 'Team' }, 'csrf-token-value');
    expect(plain).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(plain).not.toMatch(/\son[a-z]+=/i);
  });

  it('puts the signup notice above the form, escaped', () => {
    const page = signupPage(assets, {
      csrf: 'c',
      action: '/user/signup/',
      loginHref: '/user/login/',
      notice: HOSTILE,
    });
    expect(page).toContain(`<p class="notice" role="status">${ESCAPED}</p>`);
    expect(page).toContain('Create Account');
  });
});
