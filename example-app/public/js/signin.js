// Sign in: Google, Facebook or Apple (the web redirect flow), or email and password (log in,
// create an account, forgot password). A provider sends the browser back here with a code.
import {
  $, Credentials, auth, busy, element, finishProviderLogin, goToProvider, hide, providerLabel, showError, showMessage, startPage,
} from './common.js';

const LOGIN_ERRORS = { Forbidden: 'Sign-in was refused by the server.' };

function showTab(name) {
  for (const tab of ['login', 'register']) {
    $(`#tab-${tab}`).setAttribute('aria-selected', String(tab === name));
    $(`#${tab}-form`).hidden = tab !== name;
  }
  $('#forgot-form').hidden = name !== 'forgot';
  hide($('#signin-error'));
}

const outboxLink = (site) => (site.outbox ? [' ', element('a', { href: '/outbox', textContent: 'Open the mail outbox' })] : []);

function setUpProviders(site) {
  const modes = [];
  for (const button of document.querySelectorAll('[data-provider]')) {
    const type = button.dataset.provider;
    const mode = site.oauth[type.replace('oauth2-', '')];
    button.hidden = mode === 'off';
    if (mode !== 'off') modes.push(mode);
    button.addEventListener('click', () => busy(button, `Opening ${providerLabel(type)}…`, () => goToProvider(type, { back: `/signin?via=${type}` })));
  }
  const note = $('#providers-mode');
  if (modes.includes('local-test')) {
    note.textContent = 'Development: these buttons open local test providers on this machine. Pick a test account there; no real account is needed.';
    note.hidden = false;
  } else if (modes.length) {
    note.textContent = 'You will be sent to the provider to sign in, then back here.';
    note.hidden = false;
  }
}

function setUpForms(site) {
  const error = $('#signin-error');
  const status = $('#signin-status');

  $('#login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    hide(error);
    const form = event.currentTarget;
    const { email, password } = Object.fromEntries(new FormData(form));
    try {
      await busy(form.querySelector('[type=submit]'), 'Logging in…', () => auth.logIn(Credentials.emailPassword(email, password)));
      location.assign('/');
    } catch (err) {
      showError(error, err, { retry: () => form.requestSubmit(), overrides: LOGIN_ERRORS });
      if (err.code === 'UserPending') {
        error.append(element('button', {
          type: 'button',
          className: 'btn btn-small',
          textContent: 'Send the link again',
          onclick: async () => {
            await auth.emailPassword.resendConfirmationEmail({ email });
            showMessage(status, `A new confirmation link is on its way to ${email}.`, 'info', outboxLink(site));
            hide(error);
          },
        }));
      }
    }
  });

  $('#register-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    hide(error);
    const form = event.currentTarget;
    const { email, password } = Object.fromEntries(new FormData(form));
    try {
      await busy(form.querySelector('[type=submit]'), 'Creating…', () => auth.emailPassword.registerUser({ email, password }));
      form.reset();
      showTab('login');
      $('#login-form').elements.email.value = email;
      showMessage(status, `Almost there: we sent a confirmation link to ${email}. Open it, then log in.`, 'info', outboxLink(site));
    } catch (err) {
      showError(error, err, { retry: () => form.requestSubmit() });
    }
  });

  $('#forgot-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    hide(error);
    const form = event.currentTarget;
    const { email } = Object.fromEntries(new FormData(form));
    try {
      await busy(form.querySelector('[type=submit]'), 'Sending…', () => auth.emailPassword.sendResetPasswordEmail({ email }));
      showTab('login');
      $('#login-form').elements.email.value = email;
      showMessage(status, `If ${email} has an account, a link to choose a new password is on its way.`, 'info', outboxLink(site));
    } catch (err) {
      showError(error, err, { retry: () => form.requestSubmit() });
    }
  });

  $('#tab-login').addEventListener('click', () => showTab('login'));
  $('#tab-register').addEventListener('click', () => showTab('register'));
  $('#show-forgot').addEventListener('click', () => {
    showTab('forgot');
    $('#forgot-form').elements.email.value = $('#login-form').elements.email.value;
  });
  $('#back-to-login').addEventListener('click', () => showTab('login'));
  const initial = location.hash.slice(1);
  showTab(['login', 'register', 'forgot'].includes(initial) ? initial : 'login');
}

// Back from a provider: the session cookies are set; go to the stories.
const returned = await finishProviderLogin();
if (returned.finished) {
  location.replace('/');
} else {
  startPage(async (visitor, site) => {
    setUpProviders(site);
    setUpForms(site);
    if (returned.error) showError($('#signin-error'), returned.error);
    else if (visitor.journalist) {
      showMessage($('#signin-status'), 'You are already signed in. Signing in again switches to that account.', 'info');
    }
  });
}
