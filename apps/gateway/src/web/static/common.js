// DOM and API helpers for the signed-in pages. Everything a user typed is put on the page with
// textContent or as an attribute value, never as markup: a name like <img src=x onerror=…> stays text.
import { errorMessage, initialsOf, safeImageUrl } from './format.js';

/** Creates an element: `el('td', { className: 'muted' }, 'text', otherNode)`. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * A required element of the server-rendered page, checked to be of the expected kind.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T }} [kind]
 * @returns {T}
 */
export function byId(id, kind) {
  const node = document.getElementById(id);
  if (!node || (kind && !(node instanceof kind))) throw new Error(`The page has no suitable #${id}`);
  return /** @type {T} */ (node);
}

export class ApiError extends Error {
  constructor(status, body) {
    super(errorMessage(status, body));
    this.status = status;
    this.body = body;
  }
}

function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'csrftoken') return decodeURIComponent(rest.join('='));
  }
  return '';
}

/** Back to the log-in page (and then here) when the session has ended. */
export function toLogin() {
  const here = location.pathname + location.search;
  location.assign(`/user/login/?next=${encodeURIComponent(here)}`);
}

/**
 * A call to the JSON API with the session cookie; unsafe methods carry Django's CSRF header.
 * `body` may be a plain object (sent as JSON) or FormData (sent as multipart).
 */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (!['GET', 'HEAD'].includes(method)) headers['X-CSRFToken'] = csrfToken();
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, null);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.status === 401) {
    toLogin();
    throw new ApiError(401, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** A round picture, or the initials on a disc when there is none (or it fails to load). */
export function avatar(user, { large = false } = {}) {
  const className = large ? 'avatar large' : 'avatar';
  const initials = () => el('span', { className, 'aria-hidden': 'true', text: initialsOf(user) });
  const src = safeImageUrl(user?.avatar, location.origin);
  if (!src) return initials();
  const img = el('img', { className, src, alt: '', width: large ? 80 : 36, height: large ? 80 : 36 });
  img.addEventListener('error', () => img.replaceWith(initials()), { once: true });
  return img;
}

/** Writes a message into a live region; `kind` is 'ok', 'error' or undefined (neutral). */
export function setStatus(node, message, kind) {
  node.textContent = message;
  node.classList.toggle('is-error', kind === 'error');
  node.classList.toggle('is-ok', kind === 'ok');
}

/**
 * Copies the value of a read-only input: the Clipboard API where the page is a secure context,
 * else the older copy command, else the text is left selected for Ctrl+C.
 */
export async function copyFromInput(input) {
  const text = input.value;
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return 'Copied to the clipboard.';
    } catch {
      // Permission refused: fall through to selecting the text.
    }
  }
  input.focus();
  input.select();
  try {
    if (document.execCommand('copy')) return 'Copied to the clipboard.';
  } catch {
    // Not supported: the text stays selected.
  }
  return 'The text is selected: press Ctrl+C (or ⌘C) to copy it.';
}

/**
 * Opens a modal <dialog> (the browser keeps focus inside and closes it on Escape) and puts the
 * focus back on `opener` when it closes. A click on the backdrop closes it too.
 */
export function openDialog(dialog, opener) {
  if (!dialog.open) dialog.showModal();
  dialog.addEventListener(
    'close',
    () => {
      if (opener && document.contains(opener)) opener.focus();
    },
    { once: true },
  );
}

/** Wires the close buttons and backdrop clicks of every dialog on the page once. */
export function wireDialogs() {
  for (const dialog of document.querySelectorAll('dialog')) {
    dialog.addEventListener('click', (event) => {
      if (event.target === dialog) dialog.close();
    });
    for (const button of dialog.querySelectorAll('[data-close]')) {
      button.addEventListener('click', () => dialog.close());
    }
  }
}

/** Keeps the avatar in the navigation in step after the person changes their name or picture. */
export function refreshNavigationAvatar(user) {
  const slot = document.querySelector('[data-nav-avatar]');
  if (slot) slot.replaceChildren(avatar(user));
  const name = document.querySelector('[data-nav-name]');
  if (name) {
    const full = [user.first_name, user.last_name].filter(Boolean).join(' ');
    name.textContent = full || user.email;
  }
}
