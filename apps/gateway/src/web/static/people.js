// People: the members of the organization (memberships API), a person's details, and the
// invitation link ("+ Add People").
import { api, avatar, byId, copyFromInput, el, openDialog, setStatus, wireDialogs } from './common.js';
import {
  displayName,
  formatDateTime,
  inviteLinkUrl,
  pageFromQuery,
  rangeLabel,
  relativeTime,
} from './format.js';

const PAGE_SIZE = 30;
const organizationId = byId('main').dataset.organizationId;
const rows = byId('people-rows');
const status = byId('people-status');
const pager = byId('people-pager');
const previous = byId('people-previous', HTMLButtonElement);
const next = byId('people-next', HTMLButtonElement);
const range = byId('people-range');

let page = pageFromQuery(location.search);
/** The memberships of the page shown, by user id, for the details panel. */
const shown = new Map();

function lastActive(user) {
  const cell = el('td');
  if (!user.last_activity) {
    cell.append(el('span', { className: 'muted', text: 'Never' }));
    return cell;
  }
  cell.append(
    el('time', {
      datetime: user.last_activity,
      title: formatDateTime(user.last_activity),
      text: relativeTime(user.last_activity),
    }),
  );
  return cell;
}

function row(membership) {
  const user = membership.user;
  const name = displayName(user);
  const open = el('button', {
    type: 'button',
    className: 'person-open',
    'aria-haspopup': 'dialog',
    dataset: { userId: String(user.id) },
    text: user.email,
  });
  const tr = el(
    'tr',
    { dataset: { userId: String(user.id) } },
    el('td', {}, avatar(user)),
    el('td', {}, open),
    el('td', {}, name || el('span', { className: 'muted', text: '—' })),
    lastActive(user),
  );
  // The whole row opens the details; the button in it is what keyboards and screen readers use.
  tr.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('button')) return;
    showPerson(user.id, open);
  });
  open.addEventListener('click', () => showPerson(user.id, open));
  return tr;
}

async function load() {
  setStatus(status, 'Loading…');
  let data;
  try {
    data = await api(
      'GET',
      `/api/organizations/${encodeURIComponent(organizationId)}/memberships?page=${page}&page_size=${PAGE_SIZE}&contributed_to_projects=1`,
    );
  } catch (error) {
    if (error.status === 404 && page > 1) {
      // The page no longer exists (people were removed): show the first.
      page = 1;
      return load();
    }
    setStatus(status, `The people could not be loaded: ${error.message}`, 'error');
    return;
  }
  shown.clear();
  rows.replaceChildren(
    ...data.results.map((membership) => {
      shown.set(membership.user.id, membership);
      return row(membership);
    }),
  );
  const count = data.count;
  setStatus(status, count === 1 ? '1 person in this organization.' : `${count} people in this organization.`);
  pager.hidden = count <= PAGE_SIZE;
  range.textContent = rangeLabel(page, PAGE_SIZE, count);
  previous.disabled = !data.previous;
  next.disabled = !data.next;
}

function goTo(target) {
  page = target;
  const url = new URL(location.href);
  if (page === 1) url.searchParams.delete('page');
  else url.searchParams.set('page', String(page));
  history.replaceState(null, '', url);
  void load();
}

previous.addEventListener('click', () => goTo(Math.max(1, page - 1)));
next.addEventListener('click', () => goTo(page + 1));

// ---- a person's details ----

const personDialog = byId('person-dialog', HTMLDialogElement);
const personTitle = byId('person-title');
const personContent = byId('person-content');

function projectList(projects, id) {
  if (!Array.isArray(projects) || projects.length === 0) {
    return el('p', { className: 'muted', id }, 'None');
  }
  return el(
    'ul',
    { className: 'project-list', id },
    ...projects.map((project) => el('li', { text: project.title || `Project ${project.id}` })),
  );
}

function fact(term, value) {
  return [el('dt', { text: term }), el('dd', {}, value)];
}

function renderPerson(membership, detail) {
  const user = membership.user;
  const name = displayName(user);
  personTitle.textContent = name || user.email;
  const created = detail?.created_projects ?? membership.created_projects;
  const contributed = detail?.contributed_to_projects ?? membership.contributed_to_projects;
  const facts = el(
    'dl',
    { className: 'facts' },
    ...fact('Name', name || '—'),
    ...fact('Username', user.username || '—'),
    ...fact('Phone', user.phone || '—'),
    ...fact(
      'Last active',
      user.last_activity
        ? `${relativeTime(user.last_activity)} (${formatDateTime(user.last_activity)})`
        : 'Never',
    ),
    ...fact('Joined', formatDateTime(user.date_joined) || '—'),
    ...(detail ? fact('Annotations', String(detail.annotations_count ?? 0)) : []),
  );
  personContent.replaceChildren(
    el(
      'div',
      { className: 'person-head' },
      avatar(user, { large: true }),
      // The heading already names the person; beside the picture go the email and when they were active.
      el(
        'div',
        {},
        el('div', { className: 'name', text: user.email }),
        el('div', {
          className: 'muted',
          text: user.last_activity ? `Active ${relativeTime(user.last_activity)}` : 'Not active yet',
        }),
      ),
    ),
    facts,
    el('h3', { id: 'created-title', text: 'Created projects' }),
    projectList(created, 'created-projects'),
    el('h3', { id: 'contributed-title', text: 'Contributed to projects' }),
    projectList(contributed, 'contributed-projects'),
  );
}

async function showPerson(userId, opener) {
  const membership = shown.get(userId);
  if (!membership) return;
  renderPerson(membership, null);
  openDialog(personDialog, opener);
  try {
    const detail = await api(
      'GET',
      `/api/organizations/${encodeURIComponent(organizationId)}/memberships/${encodeURIComponent(userId)}/?contributed_to_projects=1`,
    );
    if (personDialog.open && shown.get(userId) === membership) renderPerson(membership, detail);
  } catch {
    // The list's data is already on screen; the counts are extra.
  }
}

// ---- + Add People: the invitation link ----

const inviteDialog = byId('invite-dialog', HTMLDialogElement);
const inviteLink = byId('invite-link', HTMLInputElement);
const inviteStatus = byId('invite-status');
const inviteReset = byId('invite-reset', HTMLButtonElement);

function showLink(invite) {
  inviteLink.value = inviteLinkUrl(location.origin, invite);
}

byId('add-people').addEventListener('click', async (event) => {
  setStatus(inviteStatus, '');
  openDialog(inviteDialog, event.currentTarget);
  try {
    showLink(await api('GET', '/api/invite'));
  } catch (error) {
    setStatus(inviteStatus, `The invitation link could not be loaded: ${error.message}`, 'error');
  }
});

byId('invite-copy').addEventListener('click', async () => {
  if (!inviteLink.value) return;
  setStatus(inviteStatus, await copyFromInput(inviteLink), 'ok');
});

inviteReset.addEventListener('click', async () => {
  inviteReset.disabled = true;
  setStatus(inviteStatus, 'Resetting the link…');
  try {
    showLink(await api('POST', '/api/invite/reset-token'));
    setStatus(inviteStatus, 'A new link was made. The old link no longer works.', 'ok');
  } catch (error) {
    setStatus(inviteStatus, `The link could not be reset: ${error.message}`, 'error');
  } finally {
    inviteReset.disabled = false;
  }
});

wireDialogs();
void load();
