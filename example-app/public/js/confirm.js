// The link of a confirmation mail: confirms the address, then signs in with it; or, when the
// profile page registered it for the signed-in user (an upgrade, or another sign-in method),
// adds it to that user, who keeps their id.
import { $, Credentials, auth, busy, element, hide, pendingLink, showError, showMessage, startPage } from './common.js';

const params = new URLSearchParams(location.search);
const token = params.get('token');
const tokenId = params.get('tokenId');
// The token is in the address bar only until it is used.
history.replaceState(null, '', location.pathname);

function offerFinish(visitor) {
  const pending = pendingLink.get();
  const linking = pending && pending.userId === visitor.profile.user_id;
  const form = $('#finish-form');
  form.elements.email.value = pending?.email ?? '';
  $('#finish-lead').textContent = linking
    ? 'Enter your password to add this address to your account. You keep your user id and everything under it.'
    : 'Enter your password to log in.';
  $('#finish-button').textContent = linking ? 'Add to my account' : 'Log in';
  form.hidden = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('#confirm-error');
    hide(error);
    const { email, password } = Object.fromEntries(new FormData(form));
    const credentials = Credentials.emailPassword(email, password);
    try {
      if (linking && pending.email.toLowerCase() === email.trim().toLowerCase()) {
        await busy($('#finish-button'), 'Adding…', () => auth.link(credentials));
        pendingLink.clear();
        location.assign('/profile?added=local-userpass');
      } else {
        await busy($('#finish-button'), 'Logging in…', () => auth.logIn(credentials));
        location.assign('/');
      }
    } catch (err) {
      showError(error, err, { retry: () => form.requestSubmit() });
    }
  });
}

function offerResend() {
  const form = $('#resend-form');
  form.elements.email.value = pendingLink.get()?.email ?? '';
  form.hidden = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { email } = Object.fromEntries(new FormData(form));
    await busy(form.querySelector('[type=submit]'), 'Sending…', () => auth.emailPassword.resendConfirmationEmail({ email }));
    showMessage($('#confirm-status'), `If ${email} is waiting for confirmation, a new link is on its way.`, 'info', [
      ' ',
      element('a', { href: '/outbox', textContent: 'Open the mail outbox' }),
    ]);
  });
}

startPage(async (visitor) => {
  const status = $('#confirm-status');
  if (!token || !tokenId) {
    $('#confirm-heading').textContent = 'This confirmation link is incomplete';
    showError($('#confirm-error'), { code: 'UserpassTokenInvalid' });
    return offerResend();
  }
  try {
    await auth.emailPassword.confirmUser({ token, tokenId });
  } catch (err) {
    $('#confirm-heading').textContent = 'We could not confirm this address';
    showError($('#confirm-error'), err);
    return offerResend();
  }
  $('#confirm-heading').textContent = 'Your address is confirmed';
  showMessage(status, 'Thank you: the address is confirmed.');
  offerFinish(visitor);
});
