#!/usr/bin/env node
// Benchmark of snapshotting and storing a synthetic cluster (default W1 at 20,000 pods): how long building the
// snapshot from a manifest folder takes, and how long saving it to / loading it back from the history store
// takes, with SQLite and with PostgreSQL, and how many bytes it occupies there.
//
//   npm run bench:store -- [--runs N] [--json] [--pods N] [--seed N] [--timeout SECONDS]
//                          [--postgres URL | --no-postgres] [--pods-per-chunk N]
//
// Plain JavaScript over dist/ (Node 20 cannot run TypeScript): build first (`npm run build`); this script never
// rebuilds, it only warns when a source file is newer than dist/. Every measurement runs in a fresh child process
// (so its peak RSS, process.resourceUsage().maxRSS, is its own); medians of --runs with min/max are reported.
//
// Phases (each run of each in a fresh child):
//   snapshot        snapshotFromManifests(<cache>/manifests) (kubectl-style pods.json + YAML): time, pods, policies
//   store-sqlite    open a fresh SQLite store (location `sqlite:<tmp>/history.sqlite`), saveSnapshot (timed), file
//                   size, then close, reopen and getSnapshot(id) (timed); the loaded contentHash must equal the original
//   store-postgres  the same in a fresh database (CREATE DATABASE, dropped afterwards) on the server of --postgres URL,
//                   or else of the test server of scripts/test-postgres.sh when it is already running (never started
//                   here: start it with `bash scripts/test-postgres.sh up`); size = pg_total_relation_size of
//                   snapshots + snapshot_pod_chunks (tables, TOAST, indexes). Without a server it is reported as skipped.
// The store children read the snapshot from <cache>/snapshot.json (written once from the manifest folder), so their
// time and RSS are not those of parsing the manifests; its contentHash is that of snapshotFromManifests.
//
// The cluster (generateCluster W1, scale = pods / 100,000, i.e. 100 pods per namespace) is generated once and cached
// in ${NETPOL_BENCH_CACHE:-/tmp/netpol-audit-bench}/store-W1-<scale>-seed<seed>-<version of the generating code>.
import { forEachLine, newestMtime, parseFlags, stats } from './bench-common.mjs';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const WORKLOAD = 'W1';
const TAKEN_AT = '2026-01-01T00:00:00.000Z';
const CLUSTER = 'bench-store';
const PHASES = ['snapshot', 'store-sqlite', 'store-postgres'];
/** The compiled files whose output the cache holds (a change of any of them means a new cache directory). */
const GENERATING_FILES = [
  'bench/synthetic-cluster.js',
  'bench/cluster-writers.js',
  'app/manifest-snapshot.js',
  'adapters/kube/manifest-folder.js',
  'core/model/kube-objects.js',
  'core/model/snapshot.js',
];

const USAGE = `usage: npm run bench:store -- [options]
  --runs N             runs per phase; the median is reported with min/max (default 3)
  --json               print only a JSON object: pods, policies, snapshotMs, sqliteStoreMs, sqliteLoadMs, sqliteBytes,
                       postgresStoreMs, postgresLoadMs, postgresBytes, peakRssMb, phases (min/max), skipped, failures, extra
  --pods N             cluster size: W1 at scale N/100,000, 100 pods per namespace (default 20000)
  --seed N             generator seed (default 1)
  --postgres URL       PostgreSQL server to measure (its role needs CREATEDB: each run uses a fresh database)
  --no-postgres        skip the PostgreSQL phase
  --pods-per-chunk N   the stores' pods per chunk (default: the store's own, 5,000)
  --timeout SECONDS    a child running longer is killed and reported (default 600)
Without --postgres, the test server of scripts/test-postgres.sh is used when it is running (it is not started).
The cluster is cached in \${NETPOL_BENCH_CACHE:-/tmp/netpol-audit-bench}.`;

// ------------------------------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const o = { runs: 3, json: false, pods: 20000, seed: 1, postgres: undefined, noPostgres: false, podsPerChunk: undefined, timeout: 600 };
  parseFlags(argv, fail, (flag, { value, number }) => {
    switch (flag) {
      case '--runs': o.runs = Math.floor(number(1)); break;
      case '--json': o.json = true; break;
      case '--pods': o.pods = Math.floor(number(200)); break;
      case '--seed': o.seed = value(); break;
      case '--postgres': o.postgres = value(); break;
      case '--no-postgres': o.noPostgres = true; break;
      case '--pods-per-chunk': o.podsPerChunk = Math.floor(number(1)); break;
      case '--timeout': o.timeout = number(1); break;
      case '--help': case '-h': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: return false;
    }
    return true;
  });
  if (o.postgres !== undefined && o.noPostgres) fail('--postgres and --no-postgres exclude each other');
  if (o.postgres !== undefined && !/^postgres(ql)?:\/\//i.test(o.postgres)) fail('--postgres needs a postgres:// URL');
  return o;
}

function fail(message) {
  process.stderr.write(`bench-store: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

/** Progress and notes go to stderr, and only in human mode (stdout holds just the table or the JSON). */
let quiet = false;
const note = (text) => {
  if (!quiet) process.stderr.write(`${text}\n`);
};

// ------------------------------------------------------------------------------------------ dist and cache

function checkDist() {
  const marker = join(dist, 'adapters', 'store', 'open-history-store.js');
  if (!existsSync(marker) || !existsSync(join(dist, 'bench', 'synthetic-cluster.js'))) fail('dist/ is missing: run `npm run build` first');
  if (newestMtime(join(root, 'src')) > statSync(marker).mtimeMs) note('bench-store: warning: dist/ is older than src/ (run `npm run build`)');
}

const load = (rel) => import(pathToFileURL(join(dist, rel)).href);

function cacheDir(scale, seed) {
  const h = createHash('sha256');
  for (const f of GENERATING_FILES) h.update(readFileSync(join(dist, f)));
  const base = process.env.NETPOL_BENCH_CACHE || '/tmp/netpol-audit-bench';
  return join(base, `store-${WORKLOAD}-scale${scale}-seed${seed}-${h.digest('hex').slice(0, 10)}`);
}

// ------------------------------------------------------------------------------------------ child side

const policyCount = (s) => s.networkPolicies.length + s.adminNetworkPolicies.length + s.baselineAdminNetworkPolicies.length;

/** Total bytes of a SQLite database: the file and its -wal when present (the -shm is only an index of the WAL). */
function sqliteBytes(file) {
  const size = (f) => (existsSync(f) ? statSync(f).size : 0);
  return { main: size(file), wal: size(`${file}-wal`), total: size(file) + size(`${file}-wal`) };
}

/** Saves the snapshot in a freshly opened store, closes it, reopens it and loads the snapshot back by id. */
async function saveAndLoad(m, snapshot, location, p, measureSize) {
  const options = p.podsPerChunk ? { podsPerChunk: p.podsPerChunk } : {};
  const mark = (phase) => process.stderr.write(`@@phase ${phase}\n`);
  mark('open');
  let t = performance.now();
  let store = await m.open.openHistoryStore(location, options);
  const openMs = performance.now() - t;
  const emptySize = await measureSize('open', store);
  mark('saveSnapshot');
  t = performance.now();
  const meta = await store.saveSnapshot(snapshot);
  const storeMs = performance.now() - t;
  const savedSize = await measureSize('saved', store);
  await store.close();
  const closedSize = await measureSize('closed');
  mark('reopen');
  store = await m.open.openHistoryStore(location, options);
  mark('getSnapshot');
  t = performance.now();
  const loaded = await store.getSnapshot(meta.id);
  const loadMs = performance.now() - t;
  await store.close();
  mark('verify');
  if (!loaded) throw new Error(`getSnapshot(${meta.id}) found nothing`);
  // the store verifies the hash of what it decodes; recompute it here as well, independently of the stored value
  const recomputed = m.codec.streamedContentHash(loaded);
  const verified = loaded.contentHash === p.contentHash && recomputed === p.contentHash && loaded.pods.length === snapshot.pods.length;
  if (!verified) {
    throw new Error(`the loaded snapshot differs: contentHash ${loaded.contentHash} (recomputed ${recomputed}), ${loaded.pods.length} pods; expected ${p.contentHash}, ${snapshot.pods.length} pods`);
  }
  return {
    storeMs,
    loadMs,
    extra: { id: meta.id, openMs, storedPayloadBytes: meta.storedBytes, contentHashVerified: verified, sizes: { empty: emptySize, saved: savedSize, closed: closedSize } },
  };
}

async function child(task, p) {
  const mark = (phase) => process.stderr.write(`@@phase ${phase}\n`);
  const out = { task, extra: {} };
  switch (task) {
    case 'generate': {
      // generation, manifest folder and the snapshot file the store phases read; into a temporary directory renamed at the end
      const [gen, writers, manifests] = await Promise.all([load('bench/synthetic-cluster.js'), load('bench/cluster-writers.js'), load('app/manifest-snapshot.js')]);
      const tmp = `${p.dir}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      mark('generateCluster');
      const content = gen.generateCluster({ workload: WORKLOAD, scale: p.scale, seed: p.seed });
      mark('writeManifestFolder');
      const written = await writers.writeManifestFolder(content, join(tmp, 'manifests'), { podDetail: 'kubectl' });
      mark('snapshotFromManifests');
      const { snapshot, problems } = await manifests.snapshotFromManifests(join(tmp, 'manifests'), { cluster: CLUSTER, takenAt: TAKEN_AT });
      mark('writeSnapshotJson');
      const snapshotBytes = await writers.writeSnapshotJson(snapshot, join(tmp, 'snapshot.json'));
      const meta = {
        workload: WORKLOAD, scale: p.scale, seed: p.seed, counts: gen.contentCounts(content),
        pods: snapshot.pods.length, policies: policyCount(snapshot), namespaces: snapshot.namespaces.length,
        contentHash: snapshot.contentHash, problems: problems.length, podsJsonBytes: written.podsJsonBytes, snapshotJsonBytes: snapshotBytes,
      };
      writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
      rmSync(p.dir, { recursive: true, force: true });
      renameSync(tmp, p.dir);
      out.extra = meta;
      break;
    }
    case 'snapshot': {
      const manifests = await load('app/manifest-snapshot.js');
      mark('snapshotFromManifests');
      const t = performance.now();
      const { snapshot, problems } = await manifests.snapshotFromManifests(join(p.dir, 'manifests'), { cluster: CLUSTER, takenAt: TAKEN_AT });
      out.ms = performance.now() - t;
      out.extra = { pods: snapshot.pods.length, policies: policyCount(snapshot), namespaces: snapshot.namespaces.length, problems: problems.length, sameContentHash: snapshot.contentHash === p.contentHash };
      break;
    }
    case 'store-sqlite':
    case 'store-postgres': {
      const [writers, open, location, codec] = await Promise.all([
        load('bench/cluster-writers.js'), load('adapters/store/open-history-store.js'), load('adapters/store/store-location.js'), load('adapters/store/snapshot-codec.js'),
      ]);
      const m = { open, codec };
      mark('readSnapshotJson');
      const snapshot = await writers.readSnapshotJson(join(p.dir, 'snapshot.json'));
      if (snapshot.contentHash !== p.contentHash) throw new Error(`${join(p.dir, 'snapshot.json')} has contentHash ${snapshot.contentHash}, not ${p.contentHash}`);
      if (task === 'store-sqlite') {
        const tmp = mkdtempSync(join(tmpdir(), 'netpol-bench-store-'));
        try {
          const file = join(tmp, 'history.sqlite');
          const r = await saveAndLoad(m, snapshot, location.parseStoreLocation(`sqlite:${file}`, 'bench'), p, async () => sqliteBytes(file));
          out.storeMs = r.storeMs;
          out.loadMs = r.loadMs;
          // the size once the store is closed (its WAL checkpointed into the file), -wal included if one is left
          out.bytes = r.extra.sizes.closed.total;
          out.extra = r.extra;
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      } else {
        const { default: pg } = await import('pg');
        const admin = new pg.Client({ connectionString: p.postgresUrl, application_name: 'netpol-audit-bench' });
        mark('connect');
        await admin.connect();
        const database = `netpol_bench_store_${process.pid}_${Date.now()}`;
        const url = new URL(p.postgresUrl);
        url.pathname = `/${database}`;
        mark('createDatabase');
        await admin.query(`CREATE DATABASE ${database}`);
        const probe = new pg.Client({ connectionString: url.toString(), application_name: 'netpol-audit-bench' });
        try {
          await probe.connect();
          // sizes from a connection of our own: the store's pool is closed between save and load
          const measure = async (when) => {
            const dbBytes = Number((await probe.query('SELECT pg_database_size(current_database()) AS n')).rows[0].n);
            if (when === 'closed') return { database: dbBytes };
            const { rows } = await probe.query(
              `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS total, pg_relation_size(c.oid) AS heap
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname IN ('snapshots', 'snapshot_pod_chunks')`,
            );
            const tables = Object.fromEntries(rows.map((r) => [r.name, { total: Number(r.total), heap: Number(r.heap) }]));
            return { database: dbBytes, tables, total: rows.reduce((s, r) => s + Number(r.total), 0) };
          };
          const r = await saveAndLoad(m, snapshot, location.parseStoreLocation(url.toString(), 'bench'), p, measure);
          out.storeMs = r.storeMs;
          out.loadMs = r.loadMs;
          out.bytes = r.extra.sizes.saved.total;
          out.extra = { ...r.extra, databaseGrowthBytes: r.extra.sizes.saved.database - r.extra.sizes.empty.database, server: (await probe.query('SHOW server_version')).rows[0].server_version };
        } finally {
          await probe.end().catch(() => undefined);
          mark('dropDatabase');
          // WITH (FORCE) needs PostgreSQL 13; older servers get a plain DROP (no connection is left open by then)
          await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => admin.query(`DROP DATABASE IF EXISTS ${database}`));
          await admin.end();
        }
      }
      break;
    }
    default:
      throw new Error(`unknown child task ${task}`);
  }
  out.rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// ------------------------------------------------------------------------------------------ parent side

/** Runs one child; kills it when it runs longer than the timeout. Resolves { ok, ... } or { ok: false, reason }. */
function runChild(task, params, o) {
  return new Promise((resolvePromise) => {
    const cp = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', task], {
      env: { ...process.env, NETPOL_BENCH_STORE_CHILD: JSON.stringify(params) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let errTail = '';
    let phase = 'startup';
    cp.stdout.on('data', (d) => (stdout += d));
    forEachLine(cp.stderr, (line) => {
      if (line.startsWith('@@phase ')) {
        phase = line.slice(8);
        note(`  ${task}: ${phase}`);
      } else errTail = `${errTail}${line}\n`.slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      cp.kill('SIGKILL');
    }, o.timeout * 1000);
    cp.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop();
      if (code === 0 && last) {
        try {
          return resolvePromise({ ok: true, ...JSON.parse(last) });
        } catch {
          /* fall through */
        }
      }
      const tail = errTail.trim().split('\n').filter(Boolean);
      const reason = timedOut
        ? `timeout: ran over ${o.timeout} s in ${phase} (killed)`
        : `exit ${code ?? signal} in ${phase}: ${(tail.find((l) => /Error/.test(l)) ?? tail.slice(-1)[0] ?? '').slice(0, 400)}`;
      resolvePromise({ ok: false, reason });
    });
  });
}

/** The PostgreSQL URL to measure against, or why there is none. Never starts a server. */
async function postgresUrl(o) {
  if (o.noPostgres) return { skip: 'disabled by --no-postgres' };
  if (o.postgres) return { url: o.postgres };
  const dir = process.env.NETPOL_TEST_PG_DIR || '/tmp/netpol-audit-test-pg';
  const how = 'start it with `bash scripts/test-postgres.sh up`, or pass --postgres URL';
  if (!existsSync(join(dir, 'port')) || !existsSync(join(dir, 'data', 'postmaster.pid'))) return { skip: `the test PostgreSQL server is not running (no server in ${dir}): ${how}` };
  const port = Number(readFileSync(join(dir, 'port'), 'utf8').trim());
  const listening = await new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port, timeout: 2000 }, () => (s.destroy(), res(true)));
    s.on('error', () => res(false));
    s.on('timeout', () => (s.destroy(), res(false)));
  });
  if (!listening) return { skip: `the test PostgreSQL server in ${dir} does not answer on 127.0.0.1:${port}: ${how}` };
  try {
    // `url` runs `up`, which for a running server only makes sure the test role and database exist
    const url = execFileSync('bash', [join(root, 'scripts', 'test-postgres.sh'), 'url'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).trim();
    return url ? { url } : { skip: 'scripts/test-postgres.sh url printed no URL' };
  } catch (e) {
    return { skip: `scripts/test-postgres.sh url failed: ${String(e.stderr || e.message).trim().split('\n').pop()}` };
  }
}

const round = (x) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
const roundStats = (s) => s && { median: round(s.median), min: round(s.min), max: round(s.max), runs: s.runs };
const redact = (url) => url.replace(/(:\/\/[^:/@]*):[^@/]*@/, '$1:***@');

async function bench(o) {
  const scale = o.pods / 100_000;
  const dir = cacheDir(scale, o.seed);
  let meta;
  if (existsSync(join(dir, 'meta.json'))) meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  else {
    note(`generating ${WORKLOAD} (scale ${scale}, seed ${o.seed}) into ${dir}`);
    const g = await runChild('generate', { scale, seed: o.seed, dir }, { ...o, timeout: Math.max(o.timeout, 1800) });
    if (!g.ok) throw new Error(`generating the cluster failed: ${g.reason}`);
    meta = g.extra;
  }
  const pgChoice = await postgresUrl(o);
  const params = { dir, contentHash: meta.contentHash, podsPerChunk: o.podsPerChunk, postgresUrl: pgChoice.url };
  const results = {};
  const failures = {};
  const skipped = {};
  if (pgChoice.skip) skipped['store-postgres'] = pgChoice.skip;
  for (const phase of PHASES) {
    if (skipped[phase]) {
      note(`${phase}: SKIPPED: ${skipped[phase]}`);
      continue;
    }
    const runs = [];
    for (let r = 0; r < o.runs; r++) {
      note(`${phase}: run ${r + 1}/${o.runs}`);
      const res = await runChild(phase, params, o);
      if (!res.ok) {
        failures[phase] = res.reason;
        note(`${phase}: FAILED: ${res.reason}`);
        break;
      }
      runs.push(res);
    }
    if (runs.length) results[phase] = runs;
  }
  return { meta, dir, results, failures, skipped, postgres: pgChoice.url && redact(pgChoice.url) };
}

function toJson(b, o) {
  const r = b.results;
  const s = (phase, key) => (r[phase] ? stats(r[phase].map((x) => x[key])) : undefined);
  const phases = {};
  const add = (name, phase, key) => {
    const st = s(phase, key);
    if (st) phases[name] = { ...roundStats(st), ...(key.endsWith('Ms') || key === 'ms' ? { unit: 'ms' } : { unit: 'bytes' }), rssMb: round(Math.max(...r[phase].map((x) => x.rssMb))) };
  };
  add('snapshot', 'snapshot', 'ms');
  add('sqliteStore', 'store-sqlite', 'storeMs');
  add('sqliteLoad', 'store-sqlite', 'loadMs');
  add('sqliteBytes', 'store-sqlite', 'bytes');
  add('postgresStore', 'store-postgres', 'storeMs');
  add('postgresLoad', 'store-postgres', 'loadMs');
  add('postgresBytes', 'store-postgres', 'bytes');
  const all = Object.values(r).flat();
  const first = (phase) => r[phase]?.[0]?.extra;
  const pgExtra = first('store-postgres');
  const sqlExtra = first('store-sqlite');
  return {
    pods: first('snapshot')?.pods ?? b.meta.pods,
    policies: first('snapshot')?.policies ?? b.meta.policies,
    snapshotMs: round(phases.snapshot?.median),
    sqliteStoreMs: round(phases.sqliteStore?.median),
    sqliteLoadMs: round(phases.sqliteLoad?.median),
    sqliteBytes: phases.sqliteBytes?.median ?? null,
    postgresStoreMs: round(phases.postgresStore?.median),
    postgresLoadMs: round(phases.postgresLoad?.median),
    postgresBytes: phases.postgresBytes?.median ?? null,
    peakRssMb: all.length ? round(Math.max(...all.map((x) => x.rssMb))) : null,
    phases,
    skipped: b.skipped,
    failures: b.failures,
    extra: {
      workload: WORKLOAD,
      scale: b.meta.scale,
      seed: b.meta.seed,
      namespaces: b.meta.namespaces,
      runs: o.runs,
      podsPerChunk: o.podsPerChunk ?? 'default',
      contentHash: b.meta.contentHash,
      podsJsonBytes: b.meta.podsJsonBytes,
      snapshotJsonBytes: b.meta.snapshotJsonBytes,
      manifestProblems: b.meta.problems,
      snapshotSameContentHash: r.snapshot ? r.snapshot.every((x) => x.extra.sameContentHash) : null,
      sqlite: sqlExtra && {
        storedPayloadBytes: sqlExtra.storedPayloadBytes,
        bytesBeforeClose: sqlExtra.sizes.saved,
        openMs: round(sqlExtra.openMs),
        contentHashVerified: r['store-sqlite'].every((x) => x.extra.contentHashVerified),
      },
      postgres: pgExtra && {
        url: b.postgres,
        server: pgExtra.server,
        storedPayloadBytes: pgExtra.storedPayloadBytes,
        tables: pgExtra.sizes.saved.tables,
        databaseGrowthBytes: pgExtra.databaseGrowthBytes,
        openMs: round(pgExtra.openMs),
        contentHashVerified: r['store-postgres'].every((x) => x.extra.contentHashVerified),
      },
      cache: b.dir,
    },
  };
}

function table(j) {
  const f = (x) => (x >= 10000 ? `${(x / 1000).toFixed(1)}s` : `${Math.round(x)}`);
  const mb = (x) => (x === null || x === undefined ? '-' : `${(x / 2 ** 20).toFixed(1)} MiB`);
  const cell = (p) => (!p ? '-' : p.runs > 1 ? `${f(p.median)} (${f(p.min)}-${f(p.max)})` : f(p.median));
  const rows = [
    ['snapshot (from manifests)', cell(j.phases.snapshot), '-', j.phases.snapshot?.rssMb ?? '-'],
    ['sqlite save', cell(j.phases.sqliteStore), mb(j.sqliteBytes), j.phases.sqliteStore?.rssMb ?? '-'],
    ['sqlite load by id', cell(j.phases.sqliteLoad), '', ''],
    ['postgres save', cell(j.phases.postgresStore), mb(j.postgresBytes), j.phases.postgresStore?.rssMb ?? '-'],
    ['postgres load by id', cell(j.phases.postgresLoad), '', ''],
  ].map((r) => r.map(String));
  const header = ['measurement', 'median ms (min-max)', 'stored size', 'peak RSS MB'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
  const out = [
    `${j.extra.workload} cluster: ${j.pods} pods, ${j.policies} policies, ${j.extra.namespaces} namespaces (scale ${j.extra.scale}, seed ${j.extra.seed}); ${j.extra.runs} run(s) per phase, each in a fresh process`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    `peak RSS (max over all children): ${j.peakRssMb ?? '-'} MB`,
    `manifest folder: pods.json ${mb(j.extra.podsJsonBytes)}; snapshot contentHash ${j.extra.contentHash.slice(0, 16)}...${j.extra.snapshotSameContentHash === false ? ' (DIFFERS between runs!)' : ''}`,
  ];
  const sq = j.extra.sqlite;
  if (sq) {
    out.push(
      `sqlite: ${j.sqliteBytes} bytes once closed (WAL checkpointed); before close ${sq.bytesBeforeClose.main} + ${sq.bytesBeforeClose.wal} -wal; compressed payload ${sq.storedPayloadBytes} bytes; loaded contentHash equal: ${sq.contentHashVerified}`,
    );
  }
  const pgx = j.extra.postgres;
  if (pgx) {
    const t = Object.entries(pgx.tables ?? {}).map(([n, v]) => `${n} ${v.total} (heap ${v.heap})`).join(', ');
    out.push(
      `postgres ${pgx.server} at ${pgx.url}: ${j.postgresBytes} bytes = pg_total_relation_size of ${t}; database grew by ${pgx.databaseGrowthBytes} bytes; compressed payload ${pgx.storedPayloadBytes} bytes; loaded contentHash equal: ${pgx.contentHashVerified}`,
    );
  }
  for (const [phase, reason] of Object.entries(j.skipped)) out.push(`SKIPPED ${phase}: ${reason}`);
  for (const [phase, reason] of Object.entries(j.failures)) out.push(`FAILED ${phase}: ${reason}`);
  return out.join('\n');
}

// ------------------------------------------------------------------------------------------ main

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    await child(argv[1], JSON.parse(process.env.NETPOL_BENCH_STORE_CHILD));
    return;
  }
  const o = parseArgs(argv);
  quiet = o.json;
  checkDist();
  const j = toJson(await bench(o), o);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(j, null, 2)}\n`);
    // in JSON mode a skip is still said, on stderr, so it is never silent
    for (const [phase, reason] of Object.entries(j.skipped)) process.stderr.write(`bench-store: skipped ${phase}: ${reason}\n`);
    for (const [phase, reason] of Object.entries(j.failures)) process.stderr.write(`bench-store: FAILED ${phase}: ${reason}\n`);
  } else process.stdout.write(`${table(j)}\n`);
  if (Object.keys(j.failures).length) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`bench-store: ${e?.stack ?? e}\n`);
  process.exit(1);
});
