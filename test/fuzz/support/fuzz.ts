import fc from 'fast-check';
import { hostileJson } from './bodies.js';
import { authChoice, exactCredential } from './headers.js';
import { credentialOf, field } from './judge.js';
import { answerProblems, type Verdict } from './oracle.js';
import { matchRoute } from './paths.js';
import { fuzzInput, materialize, queryString, type Facts, type FuzzInput } from './request.js';
import type { RawRequest, RawResponse } from './raw-http.js';
import { FUZZ_SEED } from './runs.js';
import { snapshotDiff } from './stores.js';
import type { TokenName } from './values.js';
import type { World } from './world.js';

/** One route of the API, what to send it, and what it may answer. */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  mount: '/auth' | '/admin';
  /** As Express writes it: `/api_keys/:id/enable`. */
  route: string;
  /** Shown in the test name when the route alone does not say it (`/providers/:provider/login` per provider). */
  title?: string;
  /** Values for the route's parameters (fixtures, near misses, anything), each on its own or drawn together. */
  params?: Record<string, fc.Arbitrary<unknown>> | fc.Arbitrary<Record<string, unknown>>;
  /** The JSON the route is sent; hostile JSON by default. */
  body?: fc.Arbitrary<unknown>;
  /** The credentials it mostly gets; every other fixture's and garbage besides. */
  credentials?: readonly TokenName[];
  query?: fc.Arbitrary<string>;
  verdict(f: Facts, w: World): Verdict;
  /** A success here may spend a fixture (a session, a key, a token, a user): rebuild them after it. */
  spoils?: boolean | ((f: Facts) => boolean);
  /** False where no request can succeed (linking an anonymous identity; a disabled route of this mode). */
  canSucceed?: (w: World) => boolean;
}

export const endpointTitle = (e: Endpoint) => e.title ?? `${e.method} ${e.mount}${e.route}`;

export interface FuzzStats {
  /** Answers by status. */
  statuses: Record<number, number>;
  /** Requests answered 2xx. */
  successes: number;
}

export const newStats = (): FuzzStats => ({ statuses: {}, successes: 0 });

/**
 * Sends `runs` generated requests to one endpoint over HTTP and checks every answer: no 5xx,
 * no success the request did not earn, the JSON error shape, and a store left as it was by
 * every refusal. A failure names the request as sent, the answer, and the store.
 */
export async function fuzzEndpoint(world: World, endpoint: Endpoint, routes: Endpoint[], runs: number, stats = newStats()): Promise<FuzzStats> {
  const input = fuzzInput(endpoint.route, {
    params: endpoint.params instanceof fc.Arbitrary ? endpoint.params : fc.record(endpoint.params ?? {}),
    body: endpoint.body ?? hostileJson,
    auth: authChoice(endpoint.credentials),
    exactAuth: exactCredential(endpoint.credentials ?? []),
    query: endpoint.query ?? queryString(),
  });
  const property = fc.asyncProperty(input, async (generated: FuzzInput) => {
    try {
      await once(world, endpoint, routes, generated, stats);
    } catch (err) {
      world.markDirty(); // whatever the failed request left behind is not the next one's starting point
      throw err;
    }
  });
  // A request left unanswered fails its run (after 15 s) rather than the whole test's time.
  await fc.assert(property, { numRuns: runs, timeout: 15_000, ...(FUZZ_SEED !== undefined && { seed: FUZZ_SEED }) });
  return stats;
}

/** The route a path reaches: the endpoint's own, or another of the same method and mount; null for none. */
function reach(path: string, endpoint: Endpoint, routes: Endpoint[]): { endpoint: Endpoint; params: Record<string, string> } | null {
  for (const candidate of [endpoint, ...routes]) {
    if (candidate.method !== endpoint.method || candidate.mount !== endpoint.mount) continue;
    const match = matchRoute(path, candidate.route);
    if (match === 'malformed') return null;
    if (match !== 'no-match') return { endpoint: candidate, params: match.params };
  }
  return null;
}

/**
 * Whether the request presented a fixture's API key (header or login body). Its use is then
 * recorded (`lastUsedAt`) even when the request is refused for another reason (a user key on
 * an admin route, a server key in a link): that write is the key's, not the refused request's.
 */
function usesApiKey(f: Facts, w: World): boolean {
  const keys = [credentialOf(f, w, 'apikey'), w.identify(field(f, 'key'))];
  return keys.some((k) => k === 'alice.apiKey' || k === 'server.apiKey');
}

async function once(world: World, endpoint: Endpoint, routes: Endpoint[], generated: FuzzInput, stats: FuzzStats): Promise<void> {
  await world.ready();
  const before = await world.before();
  const { request, facts, bodyText } = await materialize(generated, endpoint, (p) => Promise.resolve(p.resolve(world)));
  const reached = reach(facts.path, endpoint, routes);
  facts.params = reached?.params ?? null;
  // A path that reaches no route (or cannot be decoded) must not succeed anywhere.
  const verdict = reached ? reached.endpoint.verdict(facts, world) : 'refuse';
  const res = await world.http.send(request);
  await world.settled(); // what it does after answering counts as the request's doing
  stats.statuses[res.status] = (stats.statuses[res.status] ?? 0) + 1;
  if (res.status < 300) stats.successes++;

  const problems = answerProblems(res, verdict);
  const wrote = res.status < 300 && verdict === 'allow';
  if (!wrote) {
    const diff = snapshotDiff(before, await world.after(), { keyUse: usesApiKey(facts, world) });
    if (diff.length) problems.push(`the store changed although the request ${res.status < 300 ? 'may not write' : 'was refused'}:\n    ${diff.join('\n    ')}`);
  } else {
    const spoils = typeof reached!.endpoint.spoils === 'function' ? reached!.endpoint.spoils(facts) : (reached!.endpoint.spoils ?? false);
    world.changed(spoils);
  }
  if (problems.length) throw new Error(describe(world, request, bodyText, res, verdict, problems));
}

function describe(world: World, req: RawRequest, text: string | undefined, res: RawResponse, verdict: Verdict, problems: string[]): string {
  const encoding = req.headers['content-encoding'];
  const compressed = encoding !== undefined && text !== undefined && req.body?.toString('utf8') !== text;
  const body = text === undefined ? '(none)' : `${clip(JSON.stringify(text))}${compressed ? ` (${encoding}-compressed on the wire)` : ''}`;
  return [
    `${problems.join('; ')}`,
    `  store:    ${world.store.name}${world.mode === 'function' ? ' (local-userpass in function mode)' : ''}`,
    `  request:  ${req.method} ${clip(req.path)}`,
    `  headers:  ${clip(JSON.stringify(req.headers))}`,
    `  body:     ${body}`,
    `  verdict:  ${verdict}`,
    `  answer:   ${res.status} ${clip(res.body)}`,
  ].join('\n');
}

const clip = (s: string) => (s.length > 800 ? `${s.slice(0, 800)}… (${s.length} characters)` : s);
