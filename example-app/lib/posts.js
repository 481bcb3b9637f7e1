import { randomUUID } from 'node:crypto';

const DAY = 86_400_000;

/** The posts a new blog starts with, dated relative to the moment it is seeded. */
function seedPosts(now = Date.now()) {
  return [
    {
      id: 'welcome',
      title: 'Welcome to the newsroom',
      body:
        'This blog is the example app of express-auth-providers. Anyone can read it: ' +
        'your browser signed in as an anonymous user the moment the page loaded, and ' +
        'that session is what lets you see these posts.',
      author: 'The editors',
      createdAt: new Date(now - 1 * DAY),
    },
    {
      id: 'anonymous-sessions',
      title: 'How reading works',
      body:
        'An anonymous login creates a user with no credentials. Your browser keeps the ' +
        'session in cookies the page itself cannot read, gets a fresh access token when ' +
        'the old one expires, and comes back as the same reader after a reload.',
      author: 'The editors',
      createdAt: new Date(now - 3 * DAY),
    },
    {
      id: 'journalists-wanted',
      title: 'Journalists wanted',
      body:
        'Publishing is reserved for journalists, who sign in with an email and a ' +
        'password, or with Google, Facebook or Apple. Anonymous readers are ' +
        'turned away by the server, not just hidden by the page.',
      author: 'The editors',
      createdAt: new Date(now - 8 * DAY),
    },
  ];
}

/** How a post travels on the wire (snake_case, like the auth API). */
export function postJson(post) {
  return {
    id: post.id,
    title: post.title,
    body: post.body,
    author: post.author,
    author_id: post.authorId ?? null,
    created_at: post.createdAt.toISOString(),
  };
}

/** Posts held in this process; they reset on restart, like the MemoryStore. */
export class MemoryPosts {
  #posts = seedPosts();

  async list(limit) {
    return [...this.#posts].sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
  }

  async create({ title, body, author, authorId }) {
    const post = { id: randomUUID(), title, body, author, authorId, createdAt: new Date() };
    this.#posts.push(post);
    return post;
  }
}

/** Posts in a MongoDB collection, seeded once when the collection is empty. */
export class MongoPosts {
  #collection;

  constructor(db, name = 'posts') {
    this.#collection = db.collection(name);
  }

  async init() {
    await this.#collection.createIndex({ createdAt: -1 }, { name: 'createdAt' });
    if ((await this.#collection.countDocuments({}, { limit: 1 })) > 0) return;
    const seeds = seedPosts().map(({ id, ...post }) => ({ _id: id, ...post }));
    // Fixed ids: two processes seeding at once insert each post once.
    await this.#collection.insertMany(seeds, { ordered: false }).catch((err) => {
      if (err?.code !== 11000) throw err;
    });
  }

  async list(limit) {
    const docs = await this.#collection.find({}).sort({ createdAt: -1 }).limit(limit).toArray();
    return docs.map(({ _id, ...post }) => ({ id: _id, ...post }));
  }

  async create({ title, body, author, authorId }) {
    const post = { id: randomUUID(), title, body, author, authorId, createdAt: new Date() };
    const { id, ...doc } = post;
    await this.#collection.insertOne({ _id: id, ...doc });
    return post;
  }
}
