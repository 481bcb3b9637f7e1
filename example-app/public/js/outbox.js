// The development mail outbox: the mails the newsroom would have sent, newest first.
// Mails are prepared just after the request that causes them answers, so the page polls.
import { $, element, formatTime, hide, showError, startPage } from './common.js';

const KIND = { confirmation: 'Confirmation', reset: 'Password reset', notice: 'Notice' };
const ACTION = { confirmation: 'Confirm my address', reset: 'Choose a new password' };

function mailElement(mail) {
  return element('article', { className: 'mail', dataset: { kind: mail.kind, to: mail.to } }, [
    element('header', { className: 'mail-head' }, [
      element('span', { className: `badge badge-${mail.kind}`, textContent: KIND[mail.kind] ?? mail.kind }),
      element('time', { className: 'muted', dateTime: mail.sent_at, textContent: formatTime(mail.sent_at) }),
    ]),
    element('h2', { className: 'mail-subject', textContent: mail.subject }),
    element('p', { className: 'mail-to' }, ['To ', element('strong', { textContent: mail.to })]),
    element('p', { className: 'mail-text', textContent: mail.text }),
    mail.link ? element('a', { className: 'btn btn-primary btn-small mail-link', href: mail.link, textContent: ACTION[mail.kind] ?? 'Open the link' }) : null,
  ]);
}

async function refresh() {
  const error = $('#outbox-error');
  try {
    const res = await fetch('/api/dev/outbox', { cache: 'no-store' });
    if (!res.ok) throw Object.assign(new Error(res.status === 404 ? 'the outbox is off (production)' : `status ${res.status}`), { code: res.status === 404 ? 'NotFound' : undefined });
    const { mails } = await res.json();
    hide(error);
    const list = $('#mails');
    const newest = mails[0]?.id ?? 'none';
    if (list.dataset.newest === newest) return;
    list.dataset.newest = newest;
    list.replaceChildren(...mails.map(mailElement));
    if (mails.length === 0) {
      list.append(element('p', { className: 'card empty', textContent: 'No mail yet. Create an account or ask for a password reset, and the mail shows up here.' }));
    }
  } catch (err) {
    showError(error, err.code ? err : { code: 'NetworkError' }, { retry: refresh });
  }
}

startPage(async () => {
  await refresh();
  $('#refresh-outbox').addEventListener('click', refresh);
  setInterval(refresh, 2000);
});
