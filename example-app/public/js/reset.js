// The link of a reset mail: a new password for the account; every session of it ends.
import { $, auth, busy, element, hide, showError, showMessage, startPage } from './common.js';

const params = new URLSearchParams(location.search);
const token = params.get('token');
const tokenId = params.get('tokenId');
history.replaceState(null, '', location.pathname);

startPage(async () => {
  const form = $('#reset-form');
  const error = $('#reset-error');
  if (!token || !tokenId) {
    form.hidden = true;
    showError(error, { code: 'UserpassTokenInvalid' });
    return;
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    hide(error);
    const { password } = Object.fromEntries(new FormData(form));
    try {
      await busy(form.querySelector('[type=submit]'), 'Saving…', () => auth.emailPassword.resetPassword({ token, tokenId, password }));
      form.hidden = true;
      showMessage($('#reset-status'), 'Your password is changed, and every device was signed out.', 'success', [
        ' ',
        element('a', { href: '/signin', textContent: 'Log in with the new password' }),
      ]);
    } catch (err) {
      showError(error, err, { retry: () => form.requestSubmit() });
      if (err.code === 'UserpassTokenInvalid') {
        error.append(' ', element('a', { href: '/signin#forgot', textContent: 'Ask for a new link' }));
      }
    }
  });
});
