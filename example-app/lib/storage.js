import { MemoryStore, MongoStore } from 'express-auth-providers';
import { MemoryPosts, MongoPosts } from './posts.js';

/** The database a MongoDB URI names, if any (`mongodb://host/blog?…` → `blog`). */
function databaseOf(uri) {
  return /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri)?.[1];
}

/** The URI without its password, for the log. */
function redact(uri) {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/**
 * Where users, sessions and posts live: MongoDB when `MONGODB_URI` is set, otherwise
 * this process's memory. The first log line of the app says which.
 */
export async function openStorage(env, log) {
  const uri = env.MONGODB_URI;
  if (!uri) {
    log('example-app: running on the embedded in-memory store (MemoryStore): everything is lost on restart; set MONGODB_URI to use MongoDB instead');
    return { store: new MemoryStore(), posts: new MemoryPosts(), close: async () => {} };
  }

  const dbName = databaseOf(uri) ?? 'blog';
  log(`example-app: running on MongoDB (MongoStore), database "${dbName}" at ${redact(uri)} (from MONGODB_URI)`);
  // The driver is needed only here, so a memory-only install can leave it out.
  const { MongoClient } = await import('mongodb');
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000 });
  const db = client.db(dbName);
  const posts = new MongoPosts(db);
  await posts.init();
  return { store: new MongoStore({ db }), posts, close: () => client.close() };
}
