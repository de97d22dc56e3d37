// The team-sync benchmark's peer: PouchDB, what a user would pick instead,
// replicating the same records to the same CouchDB-protocol server that
// bench/sync_bench talks to. scripts/bench runs it right after sync_bench
// with the same server and record count; its lines read beside sync_bench's.
//
// The documents: one per record, the record's JSON as bench/sync_bench
// publishes it (compact, keys sorted), with its id as _id. The same mix as
// bench/bench_workspace.cpp generates (5 % companies, 5 % contacts, 20 % deals
// with a sales pipeline walk, 15 % leads, 10 % tickets with a support walk,
// 5 % subscriptions, a third with a renewal, the rest activities), from a
// seeded generator of its own: about 350 bytes a record, as ours.
//
// Steps, each a one-off PouchDB.replicate with its defaults (batch_size 100):
//   push: a local in-memory PouchDB holding the records replicates to a new
//         remote database (created in the timed step, as publish creates it);
//   pull: a second, empty in-memory PouchDB replicates from the remote;
//   one edit: a deal's next_step changed on the first, pushed to the remote,
//         then pulled by the second.
// Bytes are HTTP bodies, decoded, as sync_bench counts them (requests sent,
// answers received; no headers). Asserts only that the edit arrived.
//
// Usage: node bench/sync_peer.mjs SERVER_URL [RECORDS]   (default 100000)
// PouchDB comes from tests/sync/node_modules (pouchdb-server's dependencies).
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';

const require = createRequire(new URL('../tests/sync/package.json', import.meta.url));
const PouchDB = require('pouchdb-core')
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-adapter-http'))
  .plugin(require('pouchdb-replication'));
const pouchFetch = require('pouchdb-fetch').fetch;
const { Response } = require('node-fetch');

const [server, recordsArg] = process.argv.slice(2);
if (!server) {
  console.error('usage: node bench/sync_peer.mjs SERVER_URL [RECORDS]');
  process.exit(2);
}
const records = recordsArg ? Number.parseInt(recordsArg, 10) : 100000;

// ---- The records: bench/bench_workspace.cpp's mix and shapes. -------------

const kNow = 1796342400; // bench/bench_workspace.hpp's kBenchNow
const kDay = 86400;
let seed = 20261205;
function random() { // mulberry32: 32 random bits
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (t ^ (t >>> 14)) >>> 0;
}
const instant = (seconds) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
const daysAgo = (most) => kNow - (random() % most) * kDay - (random() % kDay);
const owner = () => (random() % 100 < 6 ? 'u-rep0' : `u-rep${1 + (random() % 29)}`);

function stagesOf(name) {
  const file = new URL(`../assets/processes/${name}.json`, import.meta.url);
  const found = [];
  (function walk(node) {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if (node.id === name && Array.isArray(node.stages)) found.push(node.stages.map((s) => s.id));
      Object.values(node).forEach(walk);
    }
  })(JSON.parse(readFileSync(file, 'utf8')));
  if (!found.length) throw new Error(`no flow ${name} in ${file}`);
  return found[0];
}
const pipeline = stagesOf('sales_pipeline');
const support = stagesOf('customer_support');
const renewal = stagesOf('renewal_management');

// A walk through a flow's stages, a day or more apart; ends at outcome if given.
function walk(stages, start, count, outcome, back) {
  const state = { started_at: instant(start) };
  const history = [];
  let at = start;
  let entered = start;
  const enter = (stage) => {
    history.push({ at: instant(at), by: 'u-rep1', stage });
    entered = at;
    at += (1 + (random() % 9)) * kDay;
  };
  for (let i = 0; i < count; ++i) {
    enter(stages[i]);
    state.stage = stages[i];
    if (back && i === 3) {
      enter(stages[2]);
      enter(stages[3]);
    }
  }
  state.status = 'active';
  if (outcome) {
    state.status = 'ended';
    state.outcome = outcome;
    state.ended_at = instant(at);
    enter(outcome);
  }
  state.entered_at = instant(entered);
  state.history = history;
  return state;
}

// Keys sorted, as the JSON sync_bench publishes.
function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted(value[k])]));
  return value;
}

function generate(count) {
  const docs = [];
  const workable = [];
  let next = 0;
  // Companies and contacts have no created_at in the generator: the epoch.
  const add = (type, by, fields, created, flows) => {
    const id = `${type}-${++next}`;
    if (type === 'deal' || type === 'lead') workable.push(id);
    const doc = { _id: id, created_at: instant(created), fields, owner: by, type };
    if (flows) doc.flows = flows;
    doc.updated_at = doc.created_at;
    doc.version = 1;
    docs.push(sorted(doc));
  };
  for (let i = 0; i < Math.floor(count / 20); ++i) add('company', owner(), { name: 'Company' }, 0);
  for (let i = 0; i < Math.floor(count / 20); ++i)
    add('contact', owner(), { first_name: 'Pat', last_name: 'Lee', email: 'pat@example.com' }, 0);
  for (let i = 0; i < Math.floor(count / 5); ++i) {
    const created = daysAgo(365);
    const by = owner();
    const fields = {
      name: 'Deal',
      amount: { amount: 1000 + (random() % 200) * 500, currency: 'USD' },
      probability: 10 + (random() % 80),
      close_date: instant(daysAgo(200) + 120 * kDay).slice(0, 10),
      company: 'company-1',
    };
    const outcome = random() % 2 ? '' : random() % 5 < 2 ? 'closed_won' : 'closed_lost';
    const stages = 1 + (random() % 5);
    add('deal', by, fields, created, {
      sales_pipeline: walk(pipeline, created, stages, outcome, random() % 10 === 0),
    });
  }
  for (let i = 0; i < Math.floor((count * 15) / 100); ++i) {
    const created = daysAgo(365);
    const by = owner();
    const fields = { name: 'Lead', source: 'Website' };
    if (random() % 5 !== 0) fields.first_contact_at = instant(created + (random() % (3 * kDay)));
    add('lead', by, fields, created);
  }
  for (let i = 0; i < Math.floor(count / 10); ++i) {
    const created = daysAgo(365);
    const by = owner();
    const fields = { subject: 'Help', priority: 'Normal' };
    const stages = 1 + (random() % 4);
    const flows = { customer_support: walk(support, created, stages, '', random() % 10 === 0) };
    if (stages === 4) fields.csat = 1 + (random() % 5);
    add('ticket', by, fields, created, flows);
  }
  for (let i = 0; i < Math.floor(count / 20); ++i) {
    const created = daysAgo(365);
    const by = owner();
    const fields = { name: 'Plan', mrr: { amount: 1200, currency: 'USD' } };
    let flows;
    if (random() % 3 === 0) {
      const outcomes = ['renewed', 'renewed', 'renewed', 'downgraded', 'churned'];
      flows = { renewal_management: walk(renewal, created, 2, outcomes[random() % 5], false) };
    }
    add('subscription', by, fields, created, flows);
  }
  while (docs.length < count) {
    const by = owner();
    const fields = {
      kind: 'Call',
      subject: 'Call',
      at: instant(daysAgo(365)),
      related: workable[random() % workable.length],
    };
    add('activity', by, fields, daysAgo(365));
  }
  return docs;
}

// ---- HTTP bodies counted around PouchDB's own fetch. ----------------------

const bytes = { sent: 0, received: 0, requests: 0 };
async function countingFetch(url, options = {}) {
  bytes.requests += 1;
  const body = options.body;
  if (typeof body === 'string') bytes.sent += Buffer.byteLength(body);
  else if (body && body.length !== undefined) bytes.sent += body.length;
  else if (body && body.size !== undefined) bytes.sent += body.size;
  const response = await pouchFetch(url, options);
  const answer = await response.buffer(); // decoded, as libcurl hands sync_bench its answers
  bytes.received += answer.length;
  const headers = new Map(response.headers.entries());
  headers.delete('content-encoding');
  headers.delete('content-length');
  return new Response(answer, {
    status: response.status,
    statusText: response.statusText,
    headers: Object.fromEntries(headers),
    url: response.url,
  });
}

async function step(label, work) {
  const before = { ...bytes };
  const start = performance.now();
  const result = await work();
  const ms = performance.now() - start;
  const sent = bytes.sent - before.sent;
  const received = bytes.received - before.received;
  const requests = bytes.requests - before.requests;
  console.log(
    `  ${label.padEnd(38)} ${ms.toFixed(1).padStart(10)} ms ${String(sent).padStart(14)} bytes sent ` +
      `${String(received).padStart(14)} received (${requests} requests)`,
  );
  return result;
}

function replicated(result, what) {
  if (!result.ok || result.status !== 'complete' || result.doc_write_failures)
    throw new Error(`${what}: ${JSON.stringify({ ...result, docs: undefined })}`);
  return result;
}

// ---- The run. --------------------------------------------------------------

const docs = generate(records);
const jsonBytes = docs.reduce((sum, doc) => sum + Buffer.byteLength(JSON.stringify(doc)), 0);
const tag = `${records}-${Date.now()}`;
const a = new PouchDB(`peer-a-${tag}`, { adapter: 'memory' });
const b = new PouchDB(`peer-b-${tag}`, { adapter: 'memory' });
for (let i = 0; i < docs.length; i += 1000) {
  const written = await a.bulkDocs(docs.slice(i, i + 1000));
  if (written.some((w) => w.error)) throw new Error('sync_peer: a local write failed');
}
const deal = docs.find((doc) => doc.type === 'deal')._id;
docs.length = 0;
console.log(
  `pouchdb ${require('pouchdb-core/package.json').version} (memory adapter, one document a record: ` +
    `the bench workspace's mix and record JSON): ${records} documents (their JSON: ${jsonBytes} bytes), ` +
    `server ${server}`,
);

const remoteUrl = `${server.replace(/\/$/, '')}/peer-${tag}`;
const remote = () => new PouchDB(remoteUrl, { fetch: countingFetch });
const pushed = await step('pouchdb push (the initial upload)', async () =>
  replicated(await PouchDB.replicate(a, remote()), 'push'));
const pulled = await step('pouchdb pull (initial download, stored)', async () =>
  replicated(await PouchDB.replicate(remote(), b), 'pull'));

const doc = await a.get(deal);
doc.fields = sorted({ ...doc.fields, next_step: 'Send the revised quote' });
await a.put(doc);
const sent = await step('pouchdb one edit: the sender\'s push', async () =>
  replicated(await PouchDB.replicate(a, remote()), 'edit push'));
const got = await step('pouchdb one edit: the receiver\'s pull', async () =>
  replicated(await PouchDB.replicate(remote(), b), 'edit pull'));
const arrived = (await b.get(deal)).fields.next_step === 'Send the revised quote';
console.log(
  `  pouchdb: the edit arrived: ${arrived ? 'yes' : 'NO'} (initial push ${pushed.docs_written}, ` +
    `pull ${pulled.docs_written}; edit pushed ${sent.docs_written}, pulled ${got.docs_written})`,
);
await Promise.all([a.destroy(), b.destroy()]);
process.exit(arrived ? 0 : 1);
