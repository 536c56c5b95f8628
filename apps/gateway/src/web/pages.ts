import { html, page, RawHtml } from './html';

const errorList = (errors: string[]) =>
  errors.length
    ? html`<div class="errors" role="alert">
        <ul>
          ${errors.map((e) => html`<li>${e}</li>`)}
        </ul>
      </div>`
    : html``;

const hidden = (csrf: string) => html`<input type="hidden" name="csrfmiddlewaretoken" value="${csrf}" />`;

export function signupPage(opts: {
  csrf: string;
  action: string;
  email?: string;
  errors?: string[];
  loginHref: string;
}) {
  return page(
    'Sign up',
    html`<h1>Create Account</h1>
      ${errorList(opts.errors ?? [])}
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
        />
        <label class="check"
          ><input type="checkbox" name="allow_newsletters" value="true" /> Send me product news</label
        >
        <button type="submit">Create Account</button>
      </form>
      <p class="alt">Already have an account? <a href="${opts.loginHref}">Log in</a></p>`,
  );
}

export function loginPage(opts: {
  csrf: string;
  action: string;
  email?: string;
  errors?: string[];
  signupHref: string;
}) {
  return page(
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

export function homePage(opts: { email: string }) {
  return page(
    'Home',
    html`<h1>Welcome</h1>
      <p>You are logged in as <strong>${opts.email}</strong>.</p>
      <p>Your API token: <a href="/api/current-user/token">/api/current-user/token</a></p>
      <p class="alt"><a href="/logout">Log out</a></p>`,
  );
}

export function messagePage(title: string, message: string | RawHtml) {
  return page(
    title,
    html`<h1>${title}</h1>
      <p>${message}</p>
      <p class="alt"><a href="/user/login/">Log in</a></p>`,
  );
}
