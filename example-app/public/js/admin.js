// The editors' page: users with their sign-in methods; disable, enable, end their sessions.
// It calls the package's admin router (mounted at /api/admin behind the app's editor guard).
import { $, PROVIDERS, api, busy, element, formatTime, hide, mark, providerLabel, showError, showMessage, startPage } from './common.js';

const FILTERS = {
  journalists: 'anonymous=false&type=normal',
  anonymous: 'anonymous=true',
  disabled: 'disabled=true',
  all: '',
};

let next;
let me;

const nameOf = (user) => user.data.name ?? user.data.email ?? (user.anonymous ? 'Anonymous reader' : user.type === 'server' ? 'Server key' : 'No name');

function userRow(user) {
  const act = (label, path, done, style = 'btn-ghost') =>
    element('button', {
      type: 'button',
      className: `btn btn-small ${style}`,
      textContent: label,
      dataset: { action: path },
      onclick: async (event) => {
        hide($('#admin-error'));
        try {
          await busy(event.currentTarget, `${label}…`, () => api(`/api/admin/users/${encodeURIComponent(user.user_id)}/${path}`, { method: 'PUT' }));
          showMessage($('#admin-status'), done);
          await load(true);
        } catch (err) {
          showError($('#admin-error'), err, { retry: () => event.target.click() });
        }
      },
    });
  const self = user.user_id === me;
  const who = nameOf(user);
  return element('tr', { dataset: { user: user.user_id, email: user.data.email ?? '', state: user.disabled ? 'disabled' : 'enabled' } }, [
    element('td', { dataset: { label: 'User' } }, [
      element('div', { className: 'user-cell' }, [
        mark(who[0].toUpperCase(), 'person'),
        element('div', {}, [element('strong', { textContent: who }), element('small', { className: 'muted mono', textContent: user.user_id })]),
      ]),
    ]),
    element('td', { dataset: { label: 'Sign-in methods' } }, [
      element('div', { className: 'chips' }, user.identities.map((i) =>
        element('span', { className: 'chip', title: [i.data.email, i.data.name].filter(Boolean).join(' · ') || i.id }, [
          mark(PROVIDERS[i.provider_type]?.mark ?? '?', PROVIDERS[i.provider_type]?.name ?? i.provider_type),
          providerLabel(i.provider_type),
        ]),
      )),
    ]),
    element('td', { dataset: { label: 'Last sign-in' }, textContent: formatTime(user.last_auth_at) }),
    element('td', { dataset: { label: 'Status' } }, [
      element('span', { className: `badge ${user.disabled ? 'badge-off' : 'badge-on'}`, textContent: user.disabled ? 'Disabled' : 'Active' }),
    ]),
    element('td', { className: 'actions' }, self ? [element('small', { className: 'muted', textContent: 'You' })] : [
      user.disabled
        ? act('Enable', 'enable', `${who} can sign in again.`)
        : act('Disable', 'disable', `${who} is disabled: their sessions ended and their logins are refused.`, 'btn-danger-ghost'),
      act('Sign out everywhere', 'logout', `Every session of ${who} has ended.`),
    ]),
  ]);
}

async function load(reset) {
  const error = $('#admin-error');
  const query = FILTERS[$('#user-filter').value];
  try {
    const page = await api(`/api/admin/users?limit=25&${query}${!reset && next ? `&after=${encodeURIComponent(next)}` : ''}`);
    const rows = page.users.map(userRow);
    if (reset) $('#users').replaceChildren(...rows);
    else $('#users').append(...rows);
    next = page.next;
    $('#more-users').hidden = !next;
    const empty = $('#users').children.length === 0;
    $('#users-empty').hidden = !empty;
    $('#users-table').hidden = empty;
  } catch (err) {
    showError(error, err, { retry: () => load(reset), always: true });
  }
}

startPage(async (visitor) => {
  if (!visitor.me.admin) {
    $('#admin-locked').replaceChildren(
      element('p', {}, [element('strong', { textContent: 'Editors only. ' }), 'This page is for the email/password accounts listed in the server’s ADMIN_EMAILS setting (in development, editor@example.com).']),
      element('a', { className: 'btn btn-primary btn-small', href: '/signin', textContent: 'Sign in as an editor' }),
    );
    $('#admin-locked').hidden = false;
    $('#user-filter').disabled = true;
    return;
  }
  me = visitor.profile.user_id;
  $('#admin-unlocked').hidden = false;
  $('#user-filter').addEventListener('change', () => load(true));
  $('#more-users').addEventListener('click', () => load(false));
  await load(true);
});
