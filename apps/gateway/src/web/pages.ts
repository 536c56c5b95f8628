import { AvatarLimitsDto } from '@app/contracts';
import { AssetLinks, appPage, avatarHtml, html, NavigationUser, page, RawHtml } from './html';

const errorList = (errors: string[]) => {
  if (errors.length === 0) return html``;
  if (errors.length === 1) return html`<div class="errors" role="alert"><p>${errors[0]}</p></div>`;
  return html`<div class="errors" role="alert">
    <ul>
      ${errors.map((e) => html`<li>${e}</li>`)}
    </ul>
  </div>`;
};

const notice = (text: string | undefined) =>
  text ? html`<p class="notice" role="status">${text}</p>` : html``;

const hidden = (csrf: string) => html`<input type="hidden" name="csrfmiddlewaretoken" value="${csrf}" />`;

export function signupPage(
  assets: AssetLinks,
  opts: {
    csrf: string;
    action: string;
    email?: string;
    errors?: string[];
    /** Shown above the form: the signup restriction or a link that no longer works. */
    notice?: string;
    loginHref: string;
  },
) {
  return page(
    assets,
    'Sign up',
    html`<h1>Create Account</h1>
      ${errorList(opts.errors ?? [])} ${notice(opts.notice)}
      <form method="post" action="${opts.action}" novalidate>
        ${hidden(opts.csrf)}
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="email"
          required
          maxlength="255"
          value="${opts.email ?? ''}"
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          required
          minlength="8"
          maxlength="128"
          aria-describedby="password-hint"
        />
        <p class="hint" id="password-hint">8 to 128 characters.</p>
        <label class="check"
          ><input type="checkbox" name="allow_newsletters" value="true" /> Send me product news</label
        >
        <button type="submit">Create Account</button>
      </form>
      <p class="alt">Already have an account? <a href="${opts.loginHref}">Log in</a></p>`,
  );
}

export function loginPage(
  assets: AssetLinks,
  opts: {
    csrf: string;
    action: string;
    email?: string;
    errors?: string[];
    signupHref: string;
  },
) {
  return page(
    assets,
    'Log in',
    html`<h1>Log in</h1>
      ${errorList(opts.errors ?? [])}
      <form method="post" action="${opts.action}" novalidate>
        ${hidden(opts.csrf)}
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          maxlength="255"
          value="${opts.email ?? ''}"
        />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <label class="check"
          ><input type="checkbox" name="persist_session" value="on" checked /> Keep me logged in</label
        >
        <button type="submit">Log in</button>
      </form>
      <p class="alt">No account yet? <a href="${opts.signupHref}">Sign up</a></p>`,
  );
}

/** `GET /logout`: one button that logs out by POST (a link or an image elsewhere cannot). */
export function logoutPage(assets: AssetLinks, csrf: string) {
  return page(
    assets,
    'Log out',
    html`<h1>Log out</h1>
      <form method="post" action="/logout">
        ${hidden(csrf)}
        <p>Do you want to log out of Label Studio?</p>
        <button type="submit">Log out</button>
      </form>
      <p class="alt"><a href="/projects/">Back to Label Studio</a></p>`,
  );
}

export function messagePage(assets: AssetLinks, title: string, message: string | RawHtml) {
  return page(
    assets,
    title,
    html`<h1>${title}</h1>
      <p>${message}</p>
      <p class="alt"><a href="/user/login/">Log in</a></p>`,
  );
}

/** Projects are not served by this system; the page leads to what is. */
export function projectsPage(assets: AssetLinks, user: NavigationUser, csrf: string) {
  return appPage(assets, {
    title: 'Projects',
    user,
    csrf,
    section: 'projects',
    body: html`<h1>Projects</h1>
      <section class="panel">
        <p>You are logged in as <strong>${user.email}</strong>.</p>
        <p>Labeling projects are not part of this service. From here you can:</p>
        <ul>
          <li><a href="/people/">People</a>: the members of your organization and the invitation link</li>
          <li><a href="/user/account/">Account &amp; Settings</a>: your name, picture and API token</li>
        </ul>
      </section>`,
  });
}

const closeButton = html`<button type="button" class="close" data-close aria-label="Close">
  <span aria-hidden="true">×</span>
</button>`;

/** The People page: a shell that people.js fills from the memberships API. */
export function peoplePage(
  assets: AssetLinks,
  user: NavigationUser,
  organization: { id: number; title: string },
  csrf: string,
) {
  return appPage(assets, {
    title: 'People',
    user,
    csrf,
    section: 'people',
    script: 'people.js',
    data: { 'organization-id': organization.id },
    body: html`<div class="page-head">
        <h1>People</h1>
        <button type="button" id="add-people" aria-haspopup="dialog">+ Add People</button>
      </div>
      <noscript><p class="errors">This page needs JavaScript to list the people.</p></noscript>
      <p id="people-status" class="status" role="status" aria-live="polite">Loading…</p>
      <div class="table-wrap">
        <table class="people" id="people-table">
          <caption class="visually-hidden">
            Members of ${organization.title}. Choose a person to see their details.
          </caption>
          <thead>
            <tr>
              <th scope="col"><span class="visually-hidden">Picture</span></th>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Last active</th>
            </tr>
          </thead>
          <tbody id="people-rows"></tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages of people" id="people-pager" hidden>
        <button type="button" class="secondary" id="people-previous">Previous</button>
        <span id="people-range"></span>
        <button type="button" class="secondary" id="people-next">Next</button>
      </nav>

      <dialog id="invite-dialog" aria-labelledby="invite-title" aria-describedby="invite-help">
        <div class="dialog-body">
          <div class="dialog-head">
            <h2 id="invite-title">Invite people</h2>
            ${closeButton}
          </div>
          <p id="invite-help">
            Share this link with the people you want to invite. Whoever opens it can create an account and
            join this organization.
          </p>
          <label for="invite-link">Invitation link</label>
          <div class="copy-row">
            <input id="invite-link" type="text" readonly value="" placeholder="Loading…" />
            <button type="button" id="invite-copy" autofocus>Copy</button>
          </div>
          <p class="hint">
            Reset Link turns the current link off and makes a new one. The sign-up page stays open to anyone
            without a link unless the server sets LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true.
          </p>
          <div class="actions">
            <button type="button" class="danger" id="invite-reset">Reset Link</button>
            <button type="button" class="secondary" data-close>Done</button>
          </div>
          <p id="invite-status" class="status" role="status" aria-live="polite"></p>
        </div>
      </dialog>

      <dialog id="person-dialog" class="side" aria-labelledby="person-title">
        <div class="dialog-body">
          <div class="dialog-head">
            <h2 id="person-title">Person</h2>
            ${closeButton}
          </div>
          <div id="person-content"></div>
        </div>
      </dialog>`,
  });
}

export interface AccountView extends NavigationUser {
  id: number;
  phone: string;
  active_organization_meta?: { title: string; email: string } | null;
}

/**
 * Account & Settings: the form works without script (POST), account.js adds the picture, the
 * tokens and, for the organization's owner, which kinds of token its members may use.
 */
export function accountPage(
  assets: AssetLinks,
  opts: { user: AccountView; csrf: string; limits: AvatarLimitsDto; saved?: boolean; errors?: string[] },
) {
  const { user } = opts;
  const { maxWidth, maxHeight } = opts.limits;
  const megabytes = Math.round((opts.limits.maxBytes / (1024 * 1024)) * 10) / 10;
  return appPage(assets, {
    title: 'Account & Settings',
    user,
    csrf: opts.csrf,
    section: 'account',
    script: 'account.js',
    data: { 'user-id': user.id, 'avatar-max-width': maxWidth, 'avatar-max-height': maxHeight },
    body: html`<h1>Account &amp; Settings</h1>
      ${opts.saved ? html`<p class="success" role="status">Your changes were saved.</p>` : html``}
      ${errorList(opts.errors ?? [])}
      <section class="panel" aria-labelledby="personal-title">
        <h2 id="personal-title">Personal info</h2>
        <form id="account-form" method="post" action="/user/account/" novalidate>
          ${hidden(opts.csrf)}
          <div class="picture">
            <div class="picture-preview" id="picture-preview">${avatarHtml(user, 'large')}</div>
            <div>
              <label for="avatar-file">Profile picture</label>
              <input
                type="file"
                id="avatar-file"
                name="avatar"
                accept="image/png,image/jpeg,image/gif,image/webp"
                aria-describedby="avatar-hint"
              />
              <p class="hint" id="avatar-hint">
                PNG, JPEG, GIF or WebP, no larger than ${maxWidth} × ${maxHeight} pixels and ${megabytes} MB.
                Larger pictures can be scaled down here before they are saved.
              </p>
              <noscript><p class="hint">Choosing a picture needs JavaScript.</p></noscript>
              <div id="avatar-offer" class="notice" hidden>
                <p id="avatar-offer-text"></p>
                <div class="actions">
                  <button type="button" id="avatar-resize">Resize to fit ${maxWidth} × ${maxHeight}</button>
                </div>
              </div>
              <p id="avatar-status" class="status" role="status" aria-live="polite"></p>
              <div class="actions">
                <button type="button" class="danger" id="avatar-remove" ${user.avatar ? '' : 'hidden'}>
                  Remove picture
                </button>
              </div>
            </div>
          </div>
          <div class="grid-2">
            <div>
              <label for="first_name">First name</label>
              <input
                id="first_name"
                name="first_name"
                type="text"
                autocomplete="given-name"
                maxlength="256"
                value="${user.first_name}"
              />
            </div>
            <div>
              <label for="last_name">Last name</label>
              <input
                id="last_name"
                name="last_name"
                type="text"
                autocomplete="family-name"
                maxlength="256"
                value="${user.last_name}"
              />
            </div>
          </div>
          <label for="email">Email</label>
          <input id="email" type="email" readonly value="${user.email}" aria-describedby="email-hint" />
          <p class="hint" id="email-hint">The email address you log in with cannot be changed here.</p>
          <label for="phone">Phone</label>
          <input
            id="phone"
            name="phone"
            type="tel"
            autocomplete="tel"
            maxlength="256"
            value="${user.phone}"
          />
          <div class="actions">
            <button type="submit" id="account-save">Save</button>
          </div>
          <p id="account-status" class="status" role="status" aria-live="polite"></p>
        </form>
      </section>

      <section class="panel" aria-labelledby="token-title">
        <h2 id="token-title">API token</h2>
        <p>
          Scripts and the Label Studio SDK use this token to call the API as you, with the header
          <code>Authorization: Token &lt;token&gt;</code>. Keep it secret.
        </p>
        <label for="api-token">Access token</label>
        <div class="copy-row">
          <input id="api-token" type="text" readonly value="" placeholder="Loading…" autocomplete="off" />
          <button type="button" id="token-copy">Copy</button>
        </div>
        <div class="actions">
          <button type="button" class="danger" id="token-reset">Reset token</button>
        </div>
        <p id="token-status" class="status" role="status" aria-live="polite"></p>
      </section>

      <section class="panel" aria-labelledby="pat-title">
        <h2 id="pat-title">Personal Access Token</h2>
        <p>
          The Label Studio SDK and scripts exchange a personal access token at
          <code>/api/token/refresh/</code> for short-lived access tokens, sent as
          <code>Authorization: Bearer &lt;access token&gt;</code>. It is shown once, when it is created; only
          its creation and expiry are shown after that.
        </p>
        <div id="pat-new" hidden>
          <label for="pat-value">Your new token: copy it now, it is not shown again</label>
          <div class="copy-row">
            <input id="pat-value" type="text" readonly value="" autocomplete="off" />
            <button type="button" id="pat-copy" aria-label="Copy the new token">Copy</button>
          </div>
        </div>
        <p id="pat-none" hidden>You have no personal access token.</p>
        <dl class="facts" id="pat-details" hidden>
          <dt>Created</dt>
          <dd id="pat-created"></dd>
          <dt>Expires</dt>
          <dd id="pat-expires"></dd>
        </dl>
        <div class="actions">
          <button type="button" id="pat-create" hidden>Create personal access token</button>
          <button type="button" class="danger" id="pat-revoke" hidden>Revoke</button>
        </div>
        <p id="pat-status" class="status" role="status" aria-live="polite"></p>
      </section>
      ${
        isOwner(user)
          ? html`<section class="panel" aria-labelledby="token-settings-title" id="token-settings">
              <h2 id="token-settings-title">API tokens of ${user.active_organization_meta?.title ?? ''}</h2>
              <p>Which kinds of token the members of your organization may use to call the API.</p>
              <label class="check"
                ><input type="checkbox" id="api-tokens-enabled" disabled /> Personal access tokens</label
              >
              <label class="check"
                ><input type="checkbox" id="legacy-api-tokens-enabled" disabled /><span
                  >Legacy tokens (<code>Authorization: Token</code>)</span
                ></label
              >
              <div class="actions">
                <button type="button" id="token-settings-save" disabled>Apply token settings</button>
              </div>
              <p id="token-settings-status" class="status" role="status" aria-live="polite"></p>
            </section>`
          : html``
      }`,
  });
}

/** The organization's owner (whose email `active_organization_meta` shows) manages its token settings. */
const isOwner = (user: AccountView): boolean =>
  !!user.active_organization_meta?.email && user.active_organization_meta.email === user.email;
