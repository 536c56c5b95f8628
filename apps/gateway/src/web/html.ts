/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A template tag whose interpolations are escaped unless wrapped in `raw()`. */
export class RawHtml {
  constructor(readonly html: string) {}
}
export const raw = (html: string) => new RawHtml(html);

export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    const parts = Array.isArray(value) ? value : [value];
    for (const part of parts) {
      if (part instanceof RawHtml) out += part.html;
      else if (part !== undefined && part !== null && part !== false) out += escapeHtml(String(part));
    }
    out += strings[i + 1];
  });
  return new RawHtml(out);
}

/** What a page needs to link the gateway's static files (see StaticAssets). */
export interface AssetLinks {
  url(name: string): string;
}

function head(assets: AssetLinks, title: string, scripts: string[]): RawHtml {
  return html`<meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · Label Studio</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${assets.url('app.css')}" />
    ${scripts.map((name) => html`<script type="module" src="${assets.url(name)}"></script>`)}`;
}

/** The log-in and sign-up card: no navigation, no script. */
export function page(assets: AssetLinks, title: string, body: RawHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        ${head(assets, title, [])}
      </head>
      <body>
        <main class="card">${body}</main>
      </body>
    </html>`.html;
}

/** The signed-in person as the navigation shows them. */
export interface NavigationUser {
  email: string;
  first_name: string;
  last_name: string;
  initials: string;
  avatar: string | null;
}

export type Section = 'projects' | 'people' | 'account';

const MENU_ICON = raw(
  '<svg class="menu-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M3 6h18M3 12h18M3 18h18" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>',
);

/** A picture when the person has one, else their initials (the scripts do the same). */
export function avatarHtml(user: NavigationUser, size: 'small' | 'large' = 'small'): RawHtml {
  const className = size === 'large' ? 'avatar large' : 'avatar';
  const px = size === 'large' ? 80 : 36;
  const src = user.avatar && /^(https?:\/\/|\/(?!\/))/i.test(user.avatar) ? user.avatar : null;
  return src
    ? html`<img class="${className}" src="${src}" alt="" width="${px}" height="${px}" />`
    : html`<span class="${className}" aria-hidden="true">${user.initials || user.email.slice(0, 2)}</span>`;
}

function navigation(user: NavigationUser, current: Section, csrf: string): RawHtml {
  const here = (section: Section) => (section === current ? raw(' aria-current="page"') : raw(''));
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return html`<header class="topbar">
    <details class="menu" data-menu>
      <summary aria-label="Main menu">${MENU_ICON}</summary>
      <nav class="menu-panel left" aria-label="Main">
        <ul>
          <li><a href="/projects/" ${here('projects')}>Projects</a></li>
          <li><a href="/people/" ${here('people')}>People</a></li>
          <li><a href="/user/account/" ${here('account')}>Account &amp; Settings</a></li>
        </ul>
      </nav>
    </details>
    <a class="brand" href="/projects/">Label Studio</a>
    <span class="spacer"></span>
    <details class="menu" data-menu>
      <summary aria-label="User menu"><span data-nav-avatar>${avatarHtml(user)}</span></summary>
      <div class="menu-panel right">
        <p class="who"><strong data-nav-name>${name || user.email}</strong>${user.email}</p>
        <ul>
          <li><a href="/user/account/" ${here('account')}>Account &amp; Settings</a></li>
          <li>
            <form class="menu-form" method="post" action="/logout">
              <input type="hidden" name="csrfmiddlewaretoken" value="${csrf}" />
              <button type="submit" class="menu-button">Log out</button>
            </form>
          </li>
        </ul>
      </div>
    </details>
  </header>`;
}

/** A signed-in page: the navigation menus, then the page's own content and script. */
export function appPage(
  assets: AssetLinks,
  opts: {
    title: string;
    user: NavigationUser;
    section: Section;
    /** The CSRF token for the menu's log-out form (logging out is a POST). */
    csrf: string;
    body: RawHtml;
    script?: string;
    data?: Record<string, string | number>;
  },
): string {
  const scripts = ['nav.js', ...(opts.script ? [opts.script] : [])];
  const data = Object.entries(opts.data ?? {}).map(([key, value]) => {
    if (!/^[a-z][a-z-]*$/.test(key)) throw new Error(`Not a data attribute name: ${key}`);
    return html` data-${raw(key)}="${value}"`;
  });
  return html`<!doctype html>
    <html lang="en">
      <head>
        ${head(assets, opts.title, scripts)}
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        ${navigation(opts.user, opts.section, opts.csrf)}
        <main id="main" class="page" tabindex="-1" ${data}>${opts.body}</main>
      </body>
    </html>`.html;
}
