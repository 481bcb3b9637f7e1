import { AuthClient, Credentials, isAuthClientError } from '/vendor/auth-client/index.js';

// The server keeps the session in HttpOnly cookies; the client refreshes it once on a 401.
const auth = new AuthClient({ baseUrl: '/auth', tokens: 'cookie' });
const api = (path, init) => auth.request(path, init);

/** The reader's profile, after an anonymous login when the browser holds no session. */
async function currentProfile() {
  try {
    return await auth.profile();
  } catch (err) {
    if (!isAuthClientError(err, 'MissingAuthReq', 'InvalidSession')) throw err;
    await auth.logIn(Credentials.anonymous());
    return auth.profile();
  }
}

const $ = (selector) => document.querySelector(selector);
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

function element(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** Journalists are users holding any identity besides the anonymous one. */
const isJournalist = (profile) => profile.identities.some((identity) => identity.provider_type !== 'anon-user');

function showSession(profile) {
  const who = isJournalist(profile)
    ? [`Writing as ${profile.data.name ?? profile.data.email ?? 'a journalist'}`]
    : ['Reading as anonymous user ', element('code', { id: 'user-id', textContent: profile.user_id })];
  $('#session').replaceChildren(...who);
  $('#session').dataset.userId = profile.user_id;
}

// textContent only: post titles and bodies are user input.
function postElement(post) {
  const time = element('time', { dateTime: post.created_at, textContent: dateFormat.format(new Date(post.created_at)) });
  return element('article', { className: 'post' }, [
    element('h3', { className: 'post-title', textContent: post.title }),
    element('p', { className: 'post-meta' }, [`By ${post.author} · `, time]),
    element('p', { className: 'post-body', textContent: post.body }),
  ]);
}

function showPosts(posts) {
  const list = $('#posts');
  list.replaceChildren(...posts.map(postElement));
  if (posts.length === 0) list.append(element('p', { className: 'muted', textContent: 'No posts yet.' }));
  list.removeAttribute('aria-busy');
}

function showNotice(message) {
  $('#notice').textContent = message;
  $('#notice').hidden = false;
}

function enablePublishing(profile) {
  if (!isJournalist(profile)) return;
  const form = $('#publish');
  $('#publish-note').textContent = 'Your post appears at the top of the list as soon as it is published.';
  for (const field of form.elements) field.disabled = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('#publish-error');
    error.hidden = true;
    const data = Object.fromEntries(new FormData(form));
    try {
      const post = await api('/api/posts', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: data.title, body: data.body }),
      });
      $('#posts').prepend(postElement(post));
      form.reset();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  });
}

async function start() {
  try {
    const profile = await currentProfile();
    showSession(profile);
    enablePublishing(profile);
    const { posts } = await api('/api/posts');
    showPosts(posts);
    document.body.dataset.state = 'ready';
  } catch (err) {
    $('#session').textContent = 'Not signed in';
    showNotice(`Could not load the blog: ${err.message}`);
    document.body.dataset.state = 'error';
  }
}

start();
