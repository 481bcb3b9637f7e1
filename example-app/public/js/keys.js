// API keys: a journalist creates keys for scripts (the secret is shown once, with curl lines
// that use it), lists, disables, enables and deletes them. Anonymous readers have none.
import { $, auth, busy, copyText, element, formatDate, formatTime, hide, showError, startPage } from './common.js';

function curlLines(key) {
  const origin = location.origin;
  return {
    list: `curl -s ${origin}/api/posts \\\n  -H "Authorization: ApiKey ${key}"`,
    publish:
      `curl -s -X POST ${origin}/api/posts \\\n  -H "Authorization: ApiKey ${key}" \\\n  -H "Content-Type: application/json" \\\n` +
      `  -d '{"title":"Filed from a script","body":"Published with an API key."}'`,
  };
}

async function loadKeys() {
  const error = $('#keys-error');
  hide(error);
  try {
    const keys = await auth.apiKeys.list();
    $('#keys').replaceChildren(...keys.map((key) => keyRow(key)));
    $('#keys-empty').hidden = keys.length > 0;
    $('#keys-table').hidden = keys.length === 0;
  } catch (err) {
    showError(error, err, { retry: loadKeys, always: true });
  }
}

function keyRow(key) {
  const act = (label, busyLabel, work) =>
    element('button', {
      type: 'button',
      className: `btn btn-small ${label === 'Delete' ? 'btn-danger-ghost' : 'btn-ghost'}`,
      textContent: label,
      onclick: async (event) => {
        try {
          await busy(event.currentTarget, busyLabel, work);
          await loadKeys();
        } catch (err) {
          showError($('#keys-error'), err, { retry: () => event.target.click() });
        }
      },
    });
  const toggle = key.disabled
    ? act('Enable', 'Enabling…', () => auth.apiKeys.enable(key._id))
    : act('Disable', 'Disabling…', () => auth.apiKeys.disable(key._id));
  return element('tr', { dataset: { key: key.name, state: key.disabled ? 'disabled' : 'enabled' } }, [
    element('td', { dataset: { label: 'Name' } }, [element('strong', { textContent: key.name })]),
    element('td', { dataset: { label: 'Created' }, textContent: formatDate(key.created_at) }),
    element('td', { dataset: { label: 'Last used' }, textContent: key.last_used_at ? formatTime(key.last_used_at) : 'Never' }),
    element('td', { dataset: { label: 'Status' } }, [
      element('span', { className: `badge ${key.disabled ? 'badge-off' : 'badge-on'}`, textContent: key.disabled ? 'Disabled' : 'Active' }),
    ]),
    element('td', { className: 'actions' }, [toggle, act('Delete', 'Deleting…', () => auth.apiKeys.delete(key._id))]),
  ]);
}

function setUpCreate() {
  const form = $('#create-key');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('#create-error');
    hide(error);
    const { name } = Object.fromEntries(new FormData(form));
    try {
      const created = await busy(form.querySelector('[type=submit]'), 'Creating…', () => auth.apiKeys.create(name.trim()));
      const lines = curlLines(created.key);
      $('#new-key-secret').textContent = created.key;
      $('#curl-list').textContent = lines.list;
      $('#curl-publish').textContent = lines.publish;
      $('#new-key').hidden = false;
      form.reset();
      await loadKeys();
    } catch (err) {
      showError(error, err, { retry: () => form.requestSubmit() });
    }
  });
  // The secret leaves the page once it is saved: it is never shown again.
  $('#hide-new-key').addEventListener('click', () => {
    $('#new-key').hidden = true;
    for (const selector of ['#new-key-secret', '#curl-list', '#curl-publish']) $(selector).textContent = '';
  });
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', () => copyText(button, $(button.dataset.copy).textContent));
  }
}

startPage(async (visitor) => {
  if (!visitor.journalist) {
    $('#keys-locked').replaceChildren(
      element('p', {}, [element('strong', { textContent: 'API keys are for journalists. ' }), 'Sign in, or upgrade this anonymous reader, to create keys that publish as you.']),
      element('div', { className: 'row' }, [
        element('a', { className: 'btn btn-primary btn-small', href: '/signin', textContent: 'Sign in' }),
        element('a', { className: 'btn btn-ghost btn-small', href: '/profile', textContent: 'Upgrade this reader' }),
      ]),
    );
    $('#keys-locked').hidden = false;
    return;
  }
  $('#keys-unlocked').hidden = false;
  setUpCreate();
  await loadKeys();
});
