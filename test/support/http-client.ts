/** A minimal browser for tests: keeps cookies, does not follow redirects, reads Django-style forms. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string | FormData } = {},
  ) {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(this.baseUrl + path, { method, headers, body: init.body, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      const expired = attributes.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return res;
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request('GET', path, { headers });
  }

  /** Posts a form the way the page would, with the CSRF token from the cookie. */
  postForm(path: string, fields: Record<string, string>, { csrf = true } = {}) {
    const body = new URLSearchParams(fields);
    const token = this.cookies.get('csrftoken');
    if (csrf && token) body.set('csrfmiddlewaretoken', token);
    return this.request('POST', path, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }

  /** An API call authenticated by this browser's session cookie (with the CSRF header, as the UI sends it). */
  api(method: string, path: string, json?: unknown, { csrf = true } = {}) {
    const headers: Record<string, string> = {};
    if (json !== undefined) headers['content-type'] = 'application/json';
    const token = this.cookies.get('csrftoken');
    if (csrf && token) headers['x-csrftoken'] = token;
    return this.request(method, path, {
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
    });
  }

  /** Opens the signup page (for the CSRF cookie) and signs up. */
  async signup(email: string, password: string, query = '') {
    await this.get(`/user/signup/${query}`);
    return this.postForm(`/user/signup/${query}`, { email, password });
  }

  async login(email: string, password: string) {
    await this.get('/user/login/');
    return this.postForm('/user/login/', { email, password, persist_session: 'on' });
  }
}

export const tokenHeaders = (token: string) => ({ authorization: `Token ${token}` });

/** A response body read as the shape the test expects (the assertions check it). */
export async function readJson<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export interface UserBody {
  id: number;
  email: string;
  username: string;
  active_organization: number | null;
  active_organization_meta: { title: string; email: string };
  date_joined: string;
  permissions?: string[];
  [field: string]: unknown;
}
