// Stories: every visitor reads them; journalists publish. The server decides who may
// publish (`requireUser({ providers: [...] })`); the page only explains it.
import { $, api, element, formatDate, hide, postJson, showError, showMessage, startPage } from './common.js';

// textContent only: post titles and bodies are user input.
function postElement(post) {
  const time = element('time', { dateTime: post.created_at, textContent: formatDate(post.created_at) });
  return element('article', { className: 'post' }, [
    element('h2', { className: 'post-title', textContent: post.title }),
    element('p', { className: 'post-meta' }, [`By ${post.author} · `, time]),
    element('p', { className: 'post-body', textContent: post.body }),
  ]);
}

async function loadPosts() {
  const list = $('#posts');
  const notice = $('#notice');
  hide(notice);
  list.setAttribute('aria-busy', 'true');
  try {
    const { posts } = await api('/api/posts');
    list.replaceChildren(...posts.map(postElement));
    if (posts.length === 0) list.append(element('p', { className: 'muted', textContent: 'No stories yet.' }));
  } catch (err) {
    list.replaceChildren();
    showError(notice, err, { retry: loadPosts, always: true });
  } finally {
    list.removeAttribute('aria-busy');
  }
}

function explainReader() {
  $('#publish-note').replaceChildren(
    element('p', {}, [element('strong', { textContent: 'Only journalists publish. ' }), 'You are reading as an anonymous reader, and the server refuses stories from readers.']),
    element('div', { className: 'row' }, [
      element('a', { className: 'btn btn-primary btn-small', href: '/signin', textContent: 'Sign in to publish' }),
      element('a', { className: 'btn btn-ghost btn-small', href: '/profile', textContent: 'Upgrade this reader' }),
    ]),
  );
}

function enablePublishing() {
  const form = $('#publish');
  // On a phone the panel of someone who may publish comes before the stories.
  $('.publish-panel').classList.add('is-open');
  $('#publish-note').replaceChildren(element('p', { textContent: 'Your story appears at the top of the list as soon as it is published.' }));
  for (const field of form.elements) field.disabled = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('#publish-error');
    hide(error);
    const data = Object.fromEntries(new FormData(form));
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const post = await postJson('/api/posts', { title: data.title, body: data.body });
      $('#posts').prepend(postElement(post));
      form.reset();
    } catch (err) {
      const overrides = { Forbidden: 'Only journalists can publish: sign in with email and password, Google, Facebook or Apple.', InvalidSession: 'Your session has ended: sign in again to publish.' };
      showError(error, err, { retry: () => form.requestSubmit(), overrides });
    } finally {
      button.disabled = false;
    }
  });
}

// After "Delete my account" on the profile page.
const deleted = new URLSearchParams(location.search).has('deleted');
if (deleted) history.replaceState(null, '', location.pathname);

startPage(async (visitor) => {
  if (visitor.journalist) enablePublishing();
  else explainReader();
  await loadPosts();
  if (deleted) showMessage($('#notice'), 'Your account has been deleted. You are reading as a new anonymous reader.');
});
