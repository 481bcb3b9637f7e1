// The profile: the user's identities, adding one (email and password, or Google, Facebook,
// Apple through the web flow with `link=true`), removing one (never the last), upgrading an
// anonymous reader in place (same user id), and deleting the account.
import {
  $, OAUTH_TYPES, PROVIDERS, auth, busy, displayName, element, finishProviderLogin, formatDate, goToProvider, hide, isJournalist,
  mark, pendingLink, providerLabel, showError, showMessage, startPage,
} from './common.js';

function renderAccount(profile, journalist) {
  const rows = [
    ['Name', displayName(profile)],
    ['Email', profile.data.email ?? '—'],
    ['Kind', journalist ? 'Journalist: may publish' : 'Anonymous reader: may read'],
    ['User id', element('code', { id: 'profile-user-id', textContent: profile.user_id })],
    ['Member since', formatDate(profile.created_at)],
  ];
  $('#account').replaceChildren(
    element('div', { className: 'account-head' }, [
      mark(displayName(profile)[0].toUpperCase(), 'person large'),
      element('div', {}, [element('strong', { textContent: displayName(profile) }), element('small', { className: 'muted', textContent: journalist ? 'Journalist' : 'Anonymous reader' })]),
    ]),
    element('dl', { className: 'facts' }, rows.flatMap(([term, value]) => [element('dt', { textContent: term }), element('dd', {}, [value])])),
  );
}

function identityDetail(identity) {
  if (identity.provider_type === 'anon-user') return 'This browser, without credentials';
  return [identity.data.name, identity.data.email].filter(Boolean).join(' · ') || `id ${identity.id}`;
}

function renderIdentities(profile, reload) {
  const only = profile.identities.length === 1;
  $('#identities').replaceChildren(
    ...profile.identities.map((identity) => {
      const meta = PROVIDERS[identity.provider_type] ?? { mark: '?' };
      const remove = element('button', {
        type: 'button',
        className: 'btn btn-small btn-ghost',
        textContent: 'Remove',
        disabled: only,
        title: only ? 'Your only way to sign in cannot be removed' : undefined,
        onclick: (event) => unlink(event.currentTarget, identity, reload),
      });
      return element('li', { className: 'identity', dataset: { provider: identity.provider_type } }, [
        mark(meta.mark, meta.name ?? identity.provider_type),
        element('div', { className: 'identity-text' }, [
          element('strong', { textContent: providerLabel(identity.provider_type) }),
          element('small', { className: 'muted', textContent: identityDetail(identity) }),
        ]),
        remove,
      ]);
    }),
  );
}

async function unlink(button, identity, reload) {
  const error = $('#identities-error');
  hide(error);
  try {
    await busy(button, 'Removing…', () => auth.unlink(identity.provider_type, identity.id));
    // The access token still lists the removed provider until it is renewed: renew it now.
    await auth.refresh();
    showMessage($('#profile-status'), `${providerLabel(identity.provider_type)} was removed from your account.`);
    await reload();
  } catch (err) {
    showError(error, err, { retry: () => unlink(button, identity, reload) });
  }
}

function renderLinking(visitor, site) {
  const { profile } = visitor;
  const held = new Set(profile.identities.map((i) => i.provider_type));
  const anonymous = !isJournalist(profile);
  $('#link-heading').textContent = anonymous ? 'Become a journalist, keep this reader' : 'Add a sign-in method';
  $('#link-lead').textContent = anonymous
    ? `Add a way to sign in and this anonymous reader becomes a journalist in place: same user id (${profile.user_id}), same data.`
    : 'Sign in with any of them afterwards. A sign-in that already belongs to another account cannot be added.';

  const available = OAUTH_TYPES.filter((type) => !held.has(type) && site.oauth[type.replace('oauth2-', '')] !== 'off');
  $('#link-providers').replaceChildren(
    ...available.map((type) =>
      element('button', {
        type: 'button',
        className: `btn btn-provider btn-${PROVIDERS[type].name}`,
        dataset: { link: type },
        onclick: (event) => busy(event.currentTarget, `Opening ${providerLabel(type)}…`, () => goToProvider(type, { back: `/profile?linking=${type}`, link: true })),
      }, [mark(PROVIDERS[type].mark, PROVIDERS[type].name), `Add ${providerLabel(type)}`]),
    ),
  );
  const passwordForm = $('#link-password-form');
  passwordForm.hidden = held.has('local-userpass');
  $('#link-card').hidden = available.length === 0 && held.has('local-userpass');
}

function setUpPasswordLink(visitor, site) {
  const form = $('#link-password-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('#link-error');
    hide(error);
    const { email, password } = Object.fromEntries(new FormData(form));
    try {
      // The address is registered now, confirmed from the mail, and added to this user on the confirmation page.
      await busy(form.querySelector('[type=submit]'), 'Sending…', () => auth.emailPassword.registerUser({ email, password }));
      pendingLink.set({ email, userId: visitor.profile.user_id });
      form.reset();
      showMessage($('#profile-status'), `Check your mail: open the confirmation link sent to ${email}, then enter your password there to finish.`, 'info',
        site.outbox ? [' ', element('a', { href: '/outbox', textContent: 'Open the mail outbox' })] : []);
    } catch (err) {
      showError(error, err, { retry: () => form.requestSubmit() });
    }
  });
}

function setUpDelete() {
  const [ask, confirm, cancel] = ['#delete-account', '#delete-confirm', '#delete-cancel'].map((s) => $(s));
  const toggle = (asking) => {
    ask.hidden = asking;
    confirm.hidden = !asking;
    cancel.hidden = !asking;
  };
  ask.addEventListener('click', () => toggle(true));
  cancel.addEventListener('click', () => toggle(false));
  confirm.addEventListener('click', async () => {
    try {
      await busy(confirm, 'Deleting…', () => auth.deleteUser());
      location.assign('/?deleted=1');
    } catch (err) {
      showError($('#delete-error'), err, { retry: () => confirm.click() });
    }
  });
}

// Back from a provider after "Add Google": the callback renewed the access cookie of this session.
const query = new URLSearchParams(location.search);
const linking = query.get('linking');
const added = query.get('added');
const returned = await finishProviderLogin();
if (added || linking) history.replaceState(null, '', location.pathname);

startPage(async (visitor, site) => {
  const render = async (current) => {
    renderAccount(current.profile, current.journalist);
    renderIdentities(current.profile, reload);
    renderLinking(current, site);
  };
  const reload = async () => {
    const profile = await auth.profile();
    await render({ profile, journalist: isJournalist(profile) });
  };
  await render(visitor);
  setUpPasswordLink(visitor, site);
  setUpDelete();

  const status = $('#profile-status');
  if (returned.finished) {
    showMessage(status, `${providerLabel(linking)} is now a way to sign in to your account.`);
  } else if (returned.error) {
    showError(status, returned.error);
  } else if (added) {
    showMessage(status, 'Email and password added: you can now sign in with them.');
  }
});
