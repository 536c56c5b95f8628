// Account & Settings: names and phone (PATCH /api/users/{id}/), the profile picture (previewed
// here, scaled down in the browser when it is over the server's limit (512 x 512 unless configured), then POST /api/users/{id}/avatar/),
// the API token (shown, copied, reset), the personal access token (created and shown once, its
// dates, revoked) and, for the organization's owner, which kinds of token its members may use.
import { api, avatar, byId, copyFromInput, el, refreshNavigationAvatar, setStatus } from './common.js';
import { AVATAR_MAX_SIDE, fitWithin, formatDateTime, tokenTimes } from './format.js';

const { userId } = byId('main').dataset;
/** The limits the server applies (configurable), given by the page. */
const maxWidth = Number(byId('main').dataset.avatarMaxWidth) || AVATAR_MAX_SIDE;
const maxHeight = Number(byId('main').dataset.avatarMaxHeight) || AVATAR_MAX_SIDE;
const userPath = `/api/users/${encodeURIComponent(userId)}/`;

const form = byId('account-form', HTMLFormElement);
const save = byId('account-save', HTMLButtonElement);
const formStatus = byId('account-status');
const fields = ['first_name', 'last_name', 'phone'].map((name) => byId(name, HTMLInputElement));

const fileInput = byId('avatar-file', HTMLInputElement);
const preview = byId('picture-preview');
const offer = byId('avatar-offer');
const offerText = byId('avatar-offer-text');
const resize = byId('avatar-resize', HTMLButtonElement);
const avatarStatus = byId('avatar-status');
const remove = byId('avatar-remove', HTMLButtonElement);

/** The picture chosen but not saved yet (maybe scaled down), and its preview. */
let pending = null;
let previewUrl = null;
let previewImage = null;

function showCurrent(user) {
  preview.replaceChildren(avatar(user, { large: true }));
  remove.hidden = !user.avatar;
  refreshNavigationAvatar(user);
}

function showPreview(blob) {
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = URL.createObjectURL(blob);
  const img = new Image();
  img.className = 'avatar large';
  img.alt = 'Preview of the new picture';
  img.src = previewUrl;
  preview.replaceChildren(img);
  return new Promise((resolve) => {
    img.addEventListener('load', () => resolve(img), { once: true });
    img.addEventListener(
      'error',
      () => {
        // Not something the browser can show: a neutral disc rather than a broken image.
        preview.replaceChildren(el('span', { className: 'avatar large', 'aria-hidden': 'true', text: '?' }));
        resolve(null);
      },
      { once: true },
    );
  });
}

function clearPending() {
  pending = null;
  previewImage = null;
  fileInput.value = '';
  offer.hidden = true;
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = null;
}

fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  offer.hidden = true;
  setStatus(avatarStatus, '');
  if (!file) {
    clearPending();
    showCurrent(await api('GET', '/api/current-user/whoami'));
    return;
  }
  pending = file;
  previewImage = await showPreview(file);
  if (!previewImage) {
    setStatus(
      avatarStatus,
      'This file cannot be shown as a picture. Saving it will most likely be refused.',
      'error',
    );
    return;
  }
  const { naturalWidth: width, naturalHeight: height } = previewImage;
  const fit = fitWithin(width, height, maxWidth, maxHeight);
  if (fit.scaled) {
    offerText.textContent =
      `This picture is ${width} × ${height} pixels, larger than ${maxWidth} × ${maxHeight}. ` +
      `Resize it to ${fit.width} × ${fit.height} here, or choose a smaller one: the server refuses it as it is.`;
    offer.hidden = false;
    resize.focus();
  } else {
    setStatus(avatarStatus, `New picture: ${width} × ${height} pixels. Click Save to use it.`);
  }
});

/** Scales the chosen picture to fit the limit on a canvas, keeping its aspect ratio. */
resize.addEventListener('click', async () => {
  if (!pending || !previewImage) return;
  const fit = fitWithin(previewImage.naturalWidth, previewImage.naturalHeight, maxWidth, maxHeight);
  const canvas = document.createElement('canvas');
  canvas.width = fit.width;
  canvas.height = fit.height;
  const context = canvas.getContext('2d');
  if (!context) {
    setStatus(
      avatarStatus,
      'The picture could not be resized in this browser. Choose a smaller one.',
      'error',
    );
    return;
  }
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(previewImage, 0, 0, fit.width, fit.height);
  const type = pending.type === 'image/jpeg' || pending.type === 'image/webp' ? pending.type : 'image/png';
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, type, 0.9));
  if (!blob) {
    setStatus(
      avatarStatus,
      'The picture could not be resized in this browser. Choose a smaller one.',
      'error',
    );
    return;
  }
  const extension = { 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/png': 'png' }[blob.type] ?? 'png';
  const base = pending.name.replace(/\.[^.]*$/, '') || 'avatar';
  pending = new File([blob], `${base}.${extension}`, { type: blob.type });
  previewImage = await showPreview(pending);
  offer.hidden = true;
  setStatus(avatarStatus, `Resized to ${fit.width} × ${fit.height} pixels. Click Save to use it.`, 'ok');
  save.focus();
});

async function uploadPending() {
  const body = new FormData();
  body.append('avatar', pending, pending.name);
  await api('POST', `${userPath}avatar/`, body);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  save.disabled = true;
  setStatus(formStatus, 'Saving…');
  const problems = [];
  let pictureSaved = false;
  if (pending) {
    try {
      await uploadPending();
      pictureSaved = true;
      clearPending();
      setStatus(avatarStatus, 'Picture saved.', 'ok');
    } catch (error) {
      setStatus(avatarStatus, `The picture was not saved: ${error.message}`, 'error');
      problems.push('the picture');
    }
  }
  try {
    const user = await api('PATCH', userPath, {
      first_name: fields[0].value,
      last_name: fields[1].value,
      phone: fields[2].value,
    });
    fields[0].value = user.first_name;
    fields[1].value = user.last_name;
    fields[2].value = user.phone;
    if (!pending) showCurrent(user);
    else refreshNavigationAvatar(user);
  } catch (error) {
    problems.push(`your details (${error.message})`);
  }
  save.disabled = false;
  if (problems.length) setStatus(formStatus, `Not everything was saved: ${problems.join(' and ')}.`, 'error');
  else setStatus(formStatus, pictureSaved ? 'Saved, with the new picture.' : 'Saved.', 'ok');
});

remove.addEventListener('click', async () => {
  remove.disabled = true;
  try {
    await api('DELETE', `${userPath}avatar/`);
    clearPending();
    showCurrent(await api('GET', '/api/current-user/whoami'));
    setStatus(avatarStatus, 'Picture removed.', 'ok');
    fileInput.focus();
  } catch (error) {
    setStatus(avatarStatus, `The picture was not removed: ${error.message}`, 'error');
  } finally {
    remove.disabled = false;
  }
});

// ---- the API token ----

const tokenInput = byId('api-token', HTMLInputElement);
const tokenStatus = byId('token-status');
const tokenReset = byId('token-reset', HTMLButtonElement);

async function loadToken() {
  try {
    tokenInput.value = (await api('GET', '/api/current-user/token')).token;
  } catch (error) {
    setStatus(tokenStatus, `The token could not be loaded: ${error.message}`, 'error');
  }
}

byId('token-copy').addEventListener('click', async () => {
  if (!tokenInput.value) return;
  setStatus(tokenStatus, await copyFromInput(tokenInput), 'ok');
});

tokenReset.addEventListener('click', async () => {
  const sure = window.confirm(
    'Reset your access token? Scripts and SDK clients using the current token stop working.',
  );
  if (!sure) return;
  tokenReset.disabled = true;
  try {
    tokenInput.value = (await api('POST', '/api/current-user/reset-token/')).token;
    setStatus(tokenStatus, 'A new token was made. The old token no longer works.', 'ok');
  } catch (error) {
    setStatus(tokenStatus, `The token could not be reset: ${error.message}`, 'error');
  } finally {
    tokenReset.disabled = false;
  }
});

void loadToken();

// ---- the personal access token ----

const patNew = byId('pat-new');
const patValue = byId('pat-value', HTMLInputElement);
const patNone = byId('pat-none');
const patDetails = byId('pat-details');
const patCreate = byId('pat-create', HTMLButtonElement);
const patRevoke = byId('pat-revoke', HTMLButtonElement);
const patStatus = byId('pat-status');
/** The listed (truncated) token: what revoking names; the whole token is never kept. */
let listedPat = null;

function showPat(listed) {
  listedPat = listed?.token ?? null;
  const times = listedPat ? tokenTimes(listedPat) : null;
  patNone.hidden = !!listedPat;
  patDetails.hidden = !listedPat;
  patCreate.hidden = !!listedPat;
  patRevoke.hidden = !listedPat;
  byId('pat-created').textContent = times ? formatDateTime(times.createdAt) : '';
  byId('pat-expires').textContent = times ? formatDateTime(times.expiresAt) : '';
}

async function loadPat() {
  try {
    const tokens = await api('GET', '/api/token/');
    showPat(tokens.at(-1));
  } catch (error) {
    setStatus(patStatus, `The personal access token could not be loaded: ${error.message}`, 'error');
  }
}

patCreate.addEventListener('click', async () => {
  patCreate.disabled = true;
  try {
    const { token } = await api('POST', '/api/token/');
    patValue.value = token;
    patNew.hidden = false;
    showPat({ token: token.split('.').slice(0, 2).join('.') });
    setStatus(patStatus, 'Copy the token now: it is not shown again.', 'ok');
    patValue.focus();
    patValue.select();
  } catch (error) {
    setStatus(patStatus, `The token could not be created: ${error.message}`, 'error');
    await loadPat();
  } finally {
    patCreate.disabled = false;
  }
});

byId('pat-copy').addEventListener('click', async () => {
  if (!patValue.value) return;
  setStatus(patStatus, await copyFromInput(patValue), 'ok');
});

patRevoke.addEventListener('click', async () => {
  if (!listedPat) return;
  const sure = window.confirm(
    'Revoke your personal access token? Clients using it can no longer get access tokens.',
  );
  if (!sure) return;
  patRevoke.disabled = true;
  try {
    await api('POST', '/api/token/blacklist/', { refresh: listedPat });
    patValue.value = '';
    patNew.hidden = true;
    showPat(null);
    setStatus(patStatus, 'The token was revoked.', 'ok');
    patCreate.focus();
  } catch (error) {
    setStatus(patStatus, `The token could not be revoked: ${error.message}`, 'error');
  } finally {
    patRevoke.disabled = false;
  }
});

void loadPat();

// ---- the organization's token settings (owner only: the section is there only for them) ----

const settingsSection = document.getElementById('token-settings');
if (settingsSection) {
  const apiTokens = byId('api-tokens-enabled', HTMLInputElement);
  const legacyTokens = byId('legacy-api-tokens-enabled', HTMLInputElement);
  const saveSettings = byId('token-settings-save', HTMLButtonElement);
  const settingsStatus = byId('token-settings-status');
  const show = (settings) => {
    apiTokens.checked = settings.api_tokens_enabled;
    legacyTokens.checked = settings.legacy_api_tokens_enabled;
    for (const control of [apiTokens, legacyTokens, saveSettings]) control.disabled = false;
  };
  api('GET', '/api/jwt/settings').then(show, (error) =>
    setStatus(settingsStatus, `The token settings could not be loaded: ${error.message}`, 'error'),
  );
  saveSettings.addEventListener('click', async () => {
    saveSettings.disabled = true;
    try {
      show(
        await api('POST', '/api/jwt/settings', {
          api_tokens_enabled: apiTokens.checked,
          legacy_api_tokens_enabled: legacyTokens.checked,
        }),
      );
      setStatus(settingsStatus, 'Token settings saved.', 'ok');
    } catch (error) {
      setStatus(settingsStatus, `The token settings were not saved: ${error.message}`, 'error');
    } finally {
      saveSettings.disabled = false;
    }
  });
}
