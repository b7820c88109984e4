#!/usr/bin/env node
// Benchmark of a fleet report built from the history store (issue: "measure a 20-cluster fleet report built
// from the store"): fills a fresh store with N synthetic clusters (one snapshot in the quarter before the
// report period, a 1%-mutated one in the period), then times the real CLI, `netpol-audit report`, as a child
// process: wall time and peak RSS, HTML only (median of --runs) and once with the PDF.
//
//   npm run bench:fleet -- [--clusters N] [--scale S] [--runs N] [--store sqlite:PATH|postgres://...]
//                          [--fill api|cli] [--no-pdf] [--no-phases] [--json] [--keep DIR] [--build]
//
// Plain JavaScript over dist/ (run `npm run build` first, or pass --build).
import { newestMtime, parseFlags, stats } from './bench-common.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const CLI = join(root, 'bin', 'netpol-audit.js');
const GNU_TIME = '/usr/bin/time';

const USAGE = `usage: npm run bench:fleet -- [options]
  --clusters N          clusters in the fleet, named fleet-01.. (default 20)
  --scale S             synthetic W1 cluster scale; 1 = 100,000 pods (default 0.05: ~5,000 pods per cluster)
  --seed N              generator seed of the first cluster; cluster i uses seed N+i-1 (default 1)
  --period YYYY-Qn      report period (default 2026-Q3); snapshots are taken on the 15th of the middle month
                        of the quarter before (original content) and of the period (1%-mutated content)
  --runs N              HTML-only report runs; the median is reported with min/max (default 3)
  --store LOCATION      sqlite:PATH (a new file) or postgres://... (a fresh database is created on that server
                        and dropped afterwards); default: SQLite in a temporary folder
  --fill api|cli        api (default): HistoryStore.saveSnapshot, the write every snapshot path ends in;
                        cli: write a manifest folder per snapshot and run \`netpol-audit snapshot --manifests\`
  --no-pdf              skip the run with --pdf
  --page-size A4|Letter PDF paper size (default: the CLI's, A4)
  --no-phases           skip the in-process breakdown of the report (store reads, analyse, audit, model, files)
  --timeout SECONDS     a report run taking longer is killed (default 1800)
  --keep DIR            keep the store and report folders in DIR (default: a temporary folder, removed)
  --build               run \`npm run build\` first
  --json                print only one JSON object

Measured: fillMs = storing the 2 x N snapshots (generation apart, in generateMs); reportHtmlMs = wall time of
\`netpol-audit report --period P --store S --out DIR --no-pdf\` in a fresh process (NETPOL_AUDIT_NOW = 06:00 UTC
on the 2nd day after the period); reportPdfMs = the same with --pdf (Chromium launch included); peakRssMb = the
largest maxRSS of the HTML-only report children (GNU time's %M; nodeRssMb: the node process's own maxRSS, the
same number); the PDF run's node maxRSS is pdfPeakRssMb, Chromium's apart (GNU time does not see it):
pdfChromiumRssMb / pdfTreeRssMb = the largest sum of RSS of its processes / of the whole tree, sampled from
/proc every 200 ms (shared pages counted per process), pdfChromiumLargestRssMb its largest single process.`;

// ------------------------------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const o = { clusters: 20, scale: 0.05, seed: 1, period: '2026-Q3', runs: 3, store: undefined, fill: 'api', pdf: true, pageSize: undefined, phases: true, timeout: 1800, keep: undefined, build: false, json: false, child: undefined };
  parseFlags(argv, fail, (flag, { value, number }) => {
    switch (flag) {
      case '--clusters': o.clusters = Math.floor(number(1)); break;
      case '--scale': o.scale = number(0.001); break;
      case '--seed': o.seed = Math.floor(number(0)); break;
      case '--period': {
        o.period = value().toUpperCase();
        if (!/^\d{4}-Q[1-4]$/.test(o.period)) fail('--period must be a quarter, e.g. 2026-Q3');
        break;
      }
      case '--runs': o.runs = Math.floor(number(1)); break;
      case '--store': o.store = value(); break;
      case '--fill': {
        o.fill = value();
        if (!['api', 'cli'].includes(o.fill)) fail('--fill must be api or cli');
        break;
      }
      case '--pdf': o.pdf = true; break;
      case '--no-pdf': o.pdf = false; break;
      case '--page-size': {
        o.pageSize = value();
        if (!['A4', 'Letter'].includes(o.pageSize)) fail('--page-size must be A4 or Letter');
        break;
      }
      case '--phases': o.phases = true; break;
      case '--no-phases': o.phases = false; break;
      case '--timeout': o.timeout = number(1); break;
      case '--keep': o.keep = resolve(value()); break;
      case '--build': o.build = true; break;
      case '--json': o.json = true; break;
      case '--child': o.child = value(); break;
      case '--help': case '-h': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: return false;
    }
    return true;
  });
  return o;
}

function fail(message) {
  process.stderr.write(`bench-fleet-report: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

// ------------------------------------------------------------------------------------------ build

function ensureBuilt(build, log) {
  if (build) {
    log('running `npm run build`');
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
    if (r.status !== 0) fail('`npm run build` failed');
  }
  const marker = join(dist, 'cli', 'main.js');
  if (!existsSync(marker) || !existsSync(join(dist, 'bench', 'synthetic-cluster.js'))) fail('dist/ is missing: run `npm run build` first (or pass --build)');
  if (newestMtime(join(root, 'src')) > statSync(marker).mtimeMs) process.stderr.write('bench-fleet-report: warning: a file in src/ is newer than dist/ (run `npm run build`, or pass --build)\n');
}

const load = (rel) => import(pathToFileURL(join(dist, rel)).href);

// ------------------------------------------------------------------------------------------ helpers

const now = () => performance.now();
const round = (x) => (x === null || x === undefined ? null : Math.round(x));
const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** Median, min and max in whole milliseconds. */
function roundedStats(values) {
  const s = stats(values);
  return { median: Math.round(s.median), min: Math.round(s.min), max: Math.round(s.max), runs: s.runs };
}

/** The snapshot dates and the clock of the report run, from the period (YYYY-Qn). */
function calendar(period) {
  const [year, q] = [Number(period.slice(0, 4)), Number(period.slice(6))];
  const middle = (y, quarter) => new Date(Date.UTC(y, (quarter - 1) * 3 + 1, 15)).toISOString();
  const prev = q === 1 ? [year - 1, 4] : [year, q - 1];
  return {
    previousTakenAt: middle(prev[0], prev[1]),
    currentTakenAt: middle(year, q),
    // 06:00 UTC on the 2nd day after the period: the report of a period that has just closed
    now: new Date(Date.UTC(year, q * 3, 2, 6)).toISOString(),
  };
}

function dirBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

/** The environment of CLI children: no configuration file or store from the caller's environment. */
function childEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NETPOL_AUDIT_CONFIG;
  delete env.NETPOL_AUDIT_STORE;
  return env;
}

/**
 * Runs a command in its own process group (so a timeout kills Chromium too); wall time from spawn to exit.
 * With `measure`, the command runs under GNU time (%M: peak RSS of the largest process of the tree that was
 * waited for) and node under a probe that writes its own maxRSS at exit.
 */
function run(cmd, args, { cwd, env, timeoutMs, measure }) {
  return new Promise((resolvePromise) => {
    let file = cmd;
    let argv = args;
    const files = {};
    if (measure) {
      files.time = join(measure, `time-${process.pid}-${Date.now()}.txt`);
      files.probe = join(measure, `rss-${process.pid}-${Date.now()}.json`);
      env = { ...env, NETPOL_BENCH_RSS_FILE: files.probe };
      argv = ['--import', pathToFileURL(join(measure, 'rss-probe.mjs')).href, ...args];
      if (existsSync(GNU_TIME)) {
        file = GNU_TIME;
        argv = ['-f', '%M', '-o', files.time, cmd, ...argv];
      }
    }
    const started = now();
    const cp = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const sampler = measure ? treeSampler(cp.pid) : undefined;
    let stdout = '';
    let stderr = '';
    cp.stdout.on('data', (d) => (stdout += d));
    cp.stderr.on('data', (d) => (stderr = `${stderr}${d}`.slice(-20000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-cp.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    cp.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = now() - started;
      const r = { code, signal, timedOut, wallMs, stdout, stderr, ...(sampler ? { tree: sampler.stop() } : {}) };
      if (files.time && existsSync(files.time)) {
        const kb = Number(readFileSync(files.time, 'utf8').trim().split('\n').pop());
        if (Number.isFinite(kb)) r.peakRssMb = mb(kb * 1024);
        rmSync(files.time, { force: true });
      }
      if (files.probe && existsSync(files.probe)) {
        r.nodeRssMb = mb(JSON.parse(readFileSync(files.probe, 'utf8')).maxRssKb * 1024);
        rmSync(files.probe, { force: true });
      }
      if (measure && r.peakRssMb === undefined) r.peakRssMb = r.nodeRssMb; // no GNU time: the node process only
      resolvePromise(r);
    });
  });
}

/**
 * Peak RSS of a process tree, sampled from /proc every 200 ms (Linux): GNU time's %M does not see Chromium,
 * which puppeteer starts in its own session and whose renderers are forked by its zygote. `treeMb` is the
 * largest sum over the tree (shared pages counted in each process: an upper bound), `chromiumMb` the same
 * for the Chromium processes only, `chromiumLargestMb` its largest single process.
 */
function treeSampler(rootPid) {
  if (!existsSync('/proc/self/stat')) return { stop: () => ({}) };
  const pageKb = 4; // RSS from /proc/PID/statm is in pages
  let treeKb = 0;
  let chromiumKb = 0;
  let chromiumOneKb = 0;
  const sample = () => {
    const procs = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const comm = stat.slice(stat.indexOf('(') + 1, close);
        const ppid = Number(stat.slice(close + 2).split(' ')[1]);
        const rssKb = Number(readFileSync(`/proc/${name}/statm`, 'utf8').split(' ')[1]) * pageKb;
        procs.push({ pid: Number(name), ppid, comm, rssKb });
      } catch {
        /* exited meanwhile */
      }
    }
    const children = new Map();
    for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    let tree = 0;
    let chromium = 0;
    const stack = [...(children.get(rootPid) ?? [])];
    const self = procs.find((p) => p.pid === rootPid);
    if (self) tree += self.rssKb;
    while (stack.length) {
      const p = stack.pop();
      tree += p.rssKb;
      if (/chrom/i.test(p.comm)) {
        chromium += p.rssKb;
        chromiumOneKb = Math.max(chromiumOneKb, p.rssKb);
      }
      stack.push(...(children.get(p.pid) ?? []));
    }
    treeKb = Math.max(treeKb, tree);
    chromiumKb = Math.max(chromiumKb, chromium);
  };
  const timer = setInterval(sample, 200);
  return {
    stop: () => {
      clearInterval(timer);
      return { treeMb: mb(treeKb * 1024), chromiumMb: mb(chromiumKb * 1024), chromiumLargestMb: mb(chromiumOneKb * 1024) };
    },
  };
}

const RSS_PROBE = `import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  const file = process.env.NETPOL_BENCH_RSS_FILE;
  if (file) writeFileSync(file, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
});
`;

function failure(what, r, timeoutMs) {
  if (r.timedOut) return `${what} ran over ${timeoutMs / 1000} s (killed)`;
  const tail = `${r.stderr}\n${r.stdout}`.trim().split('\n').filter(Boolean).slice(-5).join(' | ');
  return `${what} exited with ${r.code ?? r.signal}: ${tail.slice(0, 600)}`;
}

// ------------------------------------------------------------------------------------------ store

/** A fresh store: a new SQLite file, or a new database on the PostgreSQL server of the URL (dropped by cleanup). */
async function freshStore(o, work) {
  if (!o.store) {
    const path = join(work, 'history.sqlite');
    return { location: `sqlite:${path}`, kind: 'sqlite', path, display: path, cleanup: async () => {} };
  }
  if (/^postgres(ql)?:\/\//i.test(o.store)) {
    const { default: pg } = await import('pg');
    const base = new URL(o.store);
    const database = `netpol_bench_fleet_${Date.now().toString(36)}_${process.pid}`;
    const admin = new pg.Client({ connectionString: o.store });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    const url = new URL(base.href);
    url.pathname = `/${database}`;
    const display = new URL(url.href);
    if (display.password) display.password = '***';
    return {
      location: url.href,
      kind: 'postgres',
      display: display.href,
      database,
      cleanup: async () => {
        const c = new pg.Client({ connectionString: o.store });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      },
    };
  }
  const path = resolve(o.store.replace(/^sqlite:/i, ''));
  return { location: `sqlite:${path}`, kind: 'sqlite', path, display: path, cleanup: async () => {} };
}

async function storeBytes(store) {
  if (store.kind === 'sqlite') {
    return ['', '-wal', '-shm'].reduce((sum, s) => sum + (existsSync(store.path + s) ? statSync(store.path + s).size : 0), 0);
  }
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: store.location });
  await c.connect();
  try {
    const r = await c.query('SELECT pg_database_size(current_database()) AS bytes');
    return Number(r.rows[0].bytes);
  } finally {
    await c.end();
  }
}

// ------------------------------------------------------------------------------------------ fill

async function fill(o, store, work, cal, log) {
  const gen = await load('bench/synthetic-cluster.js');
  const writers = await load('bench/cluster-writers.js');
  const { openHistoryStore } = await load('adapters/store/open-history-store.js');
  const { parseStoreLocation } = await load('adapters/store/store-location.js');
  const out = { snapshots: 0, pods: 0, podsPrevious: 0, policies: 0, namespaces: 0, workloads: 0, storedBytes: 0, generateMs: 0, fillMs: 0, cliMs: [] };
  const history = o.fill === 'api' ? await openHistoryStore(parseStoreLocation(store.location, '--store')) : undefined;
  try {
    for (let i = 1; i <= o.clusters; i++) {
      const cluster = `fleet-${String(i).padStart(2, '0')}`;
      const seed = o.seed + i - 1;
      let t = now();
      const content = gen.generateCluster({ workload: 'W1', scale: o.scale, seed });
      const mutated = gen.mutate(content, 0.01, seed);
      out.generateMs += now() - t;
      const counts = gen.contentCounts(mutated);
      out.pods += counts.pods;
      out.podsPrevious += gen.contentCounts(content).pods;
      out.policies += counts.networkPolicies + counts.adminPolicies;
      out.namespaces += counts.namespaces;
      out.workloads += counts.workloads;
      for (const [c, takenAt] of [[content, cal.previousTakenAt], [mutated, cal.currentTakenAt]]) {
        if (history) {
          t = now();
          const snapshot = gen.syntheticSnapshot(c, { cluster, takenAt });
          out.generateMs += now() - t;
          t = now();
          const meta = await history.saveSnapshot(snapshot);
          out.fillMs += now() - t;
          out.storedBytes += meta.storedBytes;
        } else {
          const dir = join(work, 'manifests', `${cluster}-${takenAt.slice(0, 10)}`);
          t = now();
          await writers.writeManifestFolder(c, dir, { podDetail: 'kubectl' });
          out.generateMs += now() - t;
          const r = await run(process.execPath, [CLI, 'snapshot', '--manifests', dir, '--cluster', cluster, '--taken-at', takenAt, '--store', store.location, '-q'], {
            cwd: work,
            env: childEnv(),
            timeoutMs: o.timeout * 1000,
          });
          if (r.code !== 0) throw new Error(failure(`snapshot of ${cluster} ${takenAt}`, r, o.timeout * 1000));
          out.fillMs += r.wallMs;
          out.cliMs.push(r.wallMs);
          rmSync(dir, { recursive: true, force: true });
        }
        out.snapshots++;
      }
      log(`  filled ${cluster} (${counts.pods} pods, ${counts.networkPolicies} policies)`);
    }
  } finally {
    await history?.close();
  }
  if (!history) {
    // the stored bytes the store itself counts, as with --fill api
    const h = await openHistoryStore(parseStoreLocation(store.location, '--store'));
    try {
      out.storedBytes = (await h.listSnapshots()).reduce((sum, m) => sum + m.storedBytes, 0);
    } finally {
      await h.close();
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------ report runs

async function reportRun(o, store, work, cal, { name, pdf }) {
  const outDir = join(work, name);
  rmSync(outDir, { recursive: true, force: true });
  const args = [CLI, 'report', '--period', o.period, '--store', store.location, '--out', outDir, pdf ? '--pdf' : '--no-pdf'];
  if (o.pageSize) args.push('--page-size', o.pageSize);
  const attempt = (extraEnv) => run(process.execPath, args, { cwd: work, env: childEnv({ NETPOL_AUDIT_NOW: cal.now, ...extraEnv }), timeoutMs: o.timeout * 1000, measure: work });
  let r = await attempt({});
  let noSandbox = false;
  if (pdf && /PDF FAILED/.test(r.stdout) && !r.timedOut) {
    // containers often cannot give Chromium its sandbox
    noSandbox = true;
    r = await attempt({ NETPOL_AUDIT_CHROMIUM_NO_SANDBOX: '1' });
  }
  if (r.code !== 0) throw new Error(failure(`report ${name}`, r, o.timeout * 1000));
  const headline = r.stdout.split('\n').find((l) => l.startsWith('Report ')) ?? '';
  const missing = /; no data for (.*)$/.exec(headline)?.[1];
  if (missing) throw new Error(`report ${name} has no data for ${missing}: the store was not filled as expected`);
  const score = /containment ([^\s;]+)(?: \(([A-F])\))?/.exec(headline);
  const html = join(outDir, 'report.html');
  const result = {
    wallMs: r.wallMs,
    peakRssMb: r.peakRssMb ?? null,
    nodeRssMb: r.nodeRssMb ?? null,
    treeRssMb: r.tree?.treeMb ?? null,
    chromiumRssMb: r.tree?.chromiumMb ?? null,
    chromiumLargestRssMb: r.tree?.chromiumLargestMb ?? null,
    htmlBytes: statSync(html).size,
    outputFiles: readdirSync(outDir).length,
    outputBytes: dirBytes(outDir),
    score: score ? Number(score[1]) : null,
    grade: score?.[2] ?? null,
    findings: null,
  };
  try {
    result.findings = JSON.parse(readFileSync(join(outDir, 'findings.json'), 'utf8')).findings.length;
  } catch {
    /* no findings export */
  }
  if (pdf) {
    const pdfPath = join(outDir, 'report.pdf');
    result.noSandbox = noSandbox;
    if (!existsSync(pdfPath)) {
      result.pdfError = (/PDF FAILED: (.*)/.exec(r.stdout)?.[1] ?? 'no report.pdf written').slice(0, 400);
    } else {
      result.pdfBytes = statSync(pdfPath).size;
      try {
        result.pdfPages = Number(/Pages:\s+(\d+)/.exec(spawnSync('pdfinfo', [pdfPath], { encoding: 'utf8' }).stdout ?? '')?.[1]) || null;
      } catch {
        result.pdfPages = null; // poppler-utils not installed
      }
    }
  }
  return result;
}

// ------------------------------------------------------------------------------------------ phases (child)

/**
 * In a fresh process: what `report` does, step by step (as app/report/produce-report does it, without the
 * PDF and email), so the dominant phase is named. Store reads are timed through a wrapper of the store; a
 * second pass over the same snapshots splits analyse / audit / connectivity.
 */
async function phasesChild(p) {
  const mark = (m) => process.stderr.write(`@@phase ${m}\n`);
  const t0 = now();
  const [{ openHistoryStore }, { parseStoreLocation }, { loadConfig }, mapping, period, { loadReportData }, { buildReportModel }, { writeReportFiles, findingsCsv, findingsJson }, { formatConnectivity }, { analyseSnapshot }, { runAudit }, { workloadConnectivity }, { VERSION }, { streamedContentHash }] = await Promise.all([
    load('adapters/store/open-history-store.js'),
    load('adapters/store/store-location.js'),
    load('config/load-config.js'),
    load('config/config-mapping.js'),
    load('core/report/report-period.js'),
    load('app/report/load-report-data.js'),
    load('core/report/build-report-model.js'),
    load('adapters/render/report-files.js'),
    load('cli/formats/connectivity-formats.js'),
    load('app/analyse-snapshot.js'),
    load('core/findings/run-audit.js'),
    load('core/engine/workload-connectivity.js'),
    load('version.js'),
    load('adapters/store/snapshot-codec.js'),
  ]);
  const config = await loadConfig({ env: {}, cwd: p.work });
  const ms = { importMs: now() - t0 };
  let t = now();
  const store = await openHistoryStore(parseStoreLocation(p.store, '--store'));
  ms.storeOpenMs = now() - t;
  try {
    const reads = { ms: 0, calls: 0, getSnapshot: 0 };
    const timedRead = (name) => async (...args) => {
      const s = now();
      try {
        return await store[name](...args);
      } finally {
        reads.ms += now() - s;
        reads.calls++;
        if (name === 'getSnapshot') reads.getSnapshot++;
      }
    };
    const wrapped = Object.create(store);
    for (const name of ['listSnapshots', 'getSnapshot', 'getMeta', 'clusters', 'listCollectionFailures']) wrapped[name] = timedRead(name);
    const today = p.now.slice(0, 10);
    const reportPeriod = period.parsePeriod(p.period);
    const audit = mapping.auditSettingsFrom(config);
    const engine = mapping.engineSettingsFromConfig(config);
    mark('clusters');
    const clusters = await wrapped.clusters();
    mark('loadReportData');
    t = now();
    const data = await loadReportData(wrapped, { clusters, period: reportPeriod, trendPeriods: period.trailingPeriods(reportPeriod, config.report.trendPeriods), engine, audit, today });
    ms.loadReportDataMs = now() - t;
    ms.storeReadMs = reads.ms;
    ms.analyseAuditConnectivityMs = ms.loadReportDataMs - reads.ms;
    mark('buildReportModel');
    t = now();
    const model = buildReportModel(data, {
      ...(config.report.title ? { title: config.report.title } : {}),
      ...(config.report.organisation ? { organisation: config.report.organisation } : {}),
      period: reportPeriod,
      previousPeriod: period.previousPeriod(reportPeriod),
      generatedAt: p.now,
      generator: `netpol-audit ${VERSION}`,
      settings: audit,
      today,
      topWorkloads: config.report.topWorkloads,
    });
    ms.buildReportModelMs = now() - t;
    const connectivity = new Map();
    for (const c of data) if (c.current) connectivity.set(c.cluster, c.current.connectivity);
    mark('writeReportFiles');
    t = now();
    const written = await writeReportFiles({ outputDir: p.outDir, model, connectivity });
    ms.writeReportFilesMs = now() - t;
    // the exports again on their own (strings only, no writes): the rest of writeReportFiles is report.html
    t = now();
    findingsCsv(model);
    findingsJson(model);
    for (const c of connectivity.values()) formatConnectivity(c, 'csv');
    ms.exportsMs = now() - t;
    ms.renderHtmlMs = Math.max(0, ms.writeReportFilesMs - ms.exportsMs);

    // second pass: the same snapshots, each step timed on its own
    mark('split');
    const split = { snapshots: 0, getSnapshotMs: 0, contentHashMs: 0, analyseMs: 0, auditMs: 0, connectivityMs: 0 };
    const seen = new Set();
    for (const c of data) {
      for (const a of [c.previous, c.current]) {
        if (!a || seen.has(a.meta.id)) continue;
        seen.add(a.meta.id);
        t = now();
        const snapshot = await store.getSnapshot(a.meta.id);
        split.getSnapshotMs += now() - t;
        // getSnapshot verifies the content hash on the stored bytes; what recomputing it from the decoded
        // pods (its fallback for snapshots stored unnormalised) would cost, on its own
        t = now();
        streamedContentHash(snapshot);
        split.contentHashMs += now() - t;
        t = now();
        const { analysis } = analyseSnapshot(snapshot, engine);
        split.analyseMs += now() - t;
        t = now();
        runAudit({ cluster: c.cluster, takenAt: a.meta.takenAt, analysis, settings: audit, today });
        split.auditMs += now() - t;
        t = now();
        workloadConnectivity(analysis);
        split.connectivityMs += now() - t;
        split.snapshots++;
      }
    }
    const out = {
      ...Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v)])),
      storeReads: reads.calls,
      snapshotsRead: reads.getSnapshot,
      htmlBytes: statSync(written.htmlPath).size,
      files: written.files.length,
      split: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, Math.round(v)])),
      rssMb: mb(process.resourceUsage().maxRSS * 1024),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await store.close();
  }
}

async function phasesRun(o, store, work, cal) {
  const params = { store: store.location, period: o.period, now: cal.now, work, outDir: join(work, 'report-phases') };
  const r = await run(process.execPath, [fileURLToPath(import.meta.url), '--child', 'phases'], {
    cwd: work,
    env: childEnv({ NETPOL_BENCH_CHILD: JSON.stringify(params) }),
    timeoutMs: o.timeout * 1000,
  });
  if (r.code !== 0) throw new Error(failure('phases child', r, o.timeout * 1000));
  return { wallMs: Math.round(r.wallMs), ...JSON.parse(r.stdout.trim().split('\n').pop()) };
}

// ------------------------------------------------------------------------------------------ main

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.child === 'phases') return phasesChild(JSON.parse(process.env.NETPOL_BENCH_CHILD));
  if (o.child) fail(`unknown child ${o.child}`);
  const log = (m) => {
    if (!o.json) process.stderr.write(`${m}\n`);
  };
  ensureBuilt(o.build, log);
  if (o.store && !/^postgres(ql)?:\/\//i.test(o.store) && existsSync(resolve(o.store.replace(/^sqlite:/i, '')))) {
    fail(`--store ${resolve(o.store.replace(/^sqlite:/i, ''))} exists; the benchmark fills a fresh store (remove it or name a new file)`);
  }
  const cal = calendar(o.period);
  let work;
  if (o.keep) {
    mkdirSync(o.keep, { recursive: true });
    if (readdirSync(o.keep).length) fail(`--keep ${o.keep} is not empty`);
    work = o.keep;
  } else work = mkdtempSync(join(os.tmpdir(), 'netpol-audit-bench-fleet-'));
  writeFileSync(join(work, 'rss-probe.mjs'), RSS_PROBE);
  let store;
  try {
    store = await freshStore(o, work);
    log(`fleet report benchmark: ${o.clusters} clusters, W1 scale ${o.scale}, store ${store.kind} ${store.display}`);
    log(`filling the store (--fill ${o.fill}): snapshots on ${cal.previousTakenAt.slice(0, 10)} and ${cal.currentTakenAt.slice(0, 10)}`);
    const filled = await fill(o, store, work, cal, log);
    const result = {
      clusters: o.clusters,
      scale: o.scale,
      period: o.period,
      store: store.kind,
      fill: o.fill,
      snapshots: filled.snapshots,
      pods: filled.pods,
      podsPreviousPeriod: filled.podsPrevious,
      namespaces: filled.namespaces,
      workloads: filled.workloads,
      policies: filled.policies,
      generateMs: round(filled.generateMs),
      fillMs: round(filled.fillMs),
      ...(filled.cliMs.length ? { fillCliMs: roundedStats(filled.cliMs) } : {}),
      storedBytes: filled.storedBytes,
      storeBytes: await storeBytes(store),
      reportHtmlMs: null,
      peakRssMb: null,
      nodeRssMb: null,
      htmlBytes: null,
    };

    const htmlRuns = [];
    for (let i = 0; i < o.runs; i++) {
      log(`report --no-pdf, run ${i + 1} of ${o.runs}`);
      htmlRuns.push(await reportRun(o, store, work, cal, { name: `report-html-${i + 1}`, pdf: false }));
      if (!o.keep) rmSync(join(work, `report-html-${i + 1}`), { recursive: true, force: true });
    }
    const last = htmlRuns[htmlRuns.length - 1];
    result.reportHtmlMs = roundedStats(htmlRuns.map((r) => r.wallMs));
    result.peakRssMb = Math.max(...htmlRuns.map((r) => r.peakRssMb ?? 0)) || null;
    result.nodeRssMb = Math.max(...htmlRuns.map((r) => r.nodeRssMb ?? 0)) || null;
    result.htmlBytes = last.htmlBytes;
    result.outputFiles = last.outputFiles;
    result.outputBytes = last.outputBytes;
    result.findings = last.findings;
    result.score = last.score;
    result.grade = last.grade;

    if (o.pdf) {
      log('report --pdf');
      const r = await reportRun(o, store, work, cal, { name: 'report-pdf', pdf: true });
      result.reportPdfMs = round(r.wallMs);
      result.pdfPeakRssMb = r.peakRssMb;
      result.pdfNodeRssMb = r.nodeRssMb;
      result.pdfTreeRssMb = r.treeRssMb;
      result.pdfChromiumRssMb = r.chromiumRssMb;
      result.pdfChromiumLargestRssMb = r.chromiumLargestRssMb;
      result.pdfBytes = r.pdfBytes ?? null;
      result.pdfPages = r.pdfPages ?? null;
      result.pdfNoSandbox = r.noSandbox;
      if (r.pdfError) result.pdfError = r.pdfError;
      // printing = the PDF run minus the median HTML-only run (Chromium launch included)
      result.pdfPrintMs = round(r.wallMs - result.reportHtmlMs.median);
    }
    if (o.phases) {
      log('phases (in-process breakdown)');
      result.phases = await phasesRun(o, store, work, cal);
    }
    result.peakRssSource = existsSync(GNU_TIME) ? 'GNU time %M' : 'node process.resourceUsage (Chromium not included)';
    if (o.keep) result.kept = work;
    print(o, result);
  } finally {
    await store?.cleanup().catch((e) => process.stderr.write(`bench-fleet-report: cleanup of ${store.display} failed: ${e.message}\n`));
    if (!o.keep) rmSync(work, { recursive: true, force: true });
  }
}

function print(o, r) {
  if (o.json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const n = (x) => (x === null || x === undefined ? '?' : x.toLocaleString('en-US'));
  const bytes = (b) => (b === null || b === undefined ? '?' : `${(b / 1e6).toFixed(1)} MB`);
  const lines = [];
  lines.push(`fleet report benchmark: ${r.clusters} clusters (W1 scale ${r.scale}), ${n(r.pods)} pods in ${r.period} (${n(r.podsPreviousPeriod)} the quarter before), ${n(r.namespaces)} namespaces, ${n(r.workloads)} workloads, ${n(r.policies)} policies per period`);
  lines.push(`  fill            ${n(r.fillMs)} ms: ${r.snapshots} snapshots into ${r.store} (--fill ${r.fill}${r.fillCliMs ? `, ${r.fillCliMs.median} ms median per CLI run` : ''}); generation apart ${n(r.generateMs)} ms; stored ${bytes(r.storedBytes)} compressed, store ${bytes(r.storeBytes)}`);
  lines.push(`  report HTML     ${n(r.reportHtmlMs.median)} ms median of ${r.reportHtmlMs.runs} (min ${n(r.reportHtmlMs.min)}, max ${n(r.reportHtmlMs.max)}); report.html ${bytes(r.htmlBytes)}; ${r.outputFiles} files, ${bytes(r.outputBytes)}; ${n(r.findings)} findings; containment ${r.score ?? '?'}${r.grade ? ` (${r.grade})` : ''}`);
  if (r.reportPdfMs !== undefined) {
    if (r.pdfError) lines.push(`  report + PDF    ${n(r.reportPdfMs)} ms, PDF FAILED: ${r.pdfError}`);
    else lines.push(`  report + PDF    ${n(r.reportPdfMs)} ms (printing ~${n(r.pdfPrintMs)} ms, Chromium launch included); ${r.pdfPages ?? '?'} pages, ${bytes(r.pdfBytes)}${r.pdfNoSandbox ? ' (NETPOL_AUDIT_CHROMIUM_NO_SANDBOX=1)' : ''}; peak RSS: node ${r.pdfPeakRssMb} MB, Chromium ~${r.pdfChromiumRssMb ?? '?'} MB (largest process ${r.pdfChromiumLargestRssMb ?? '?'} MB), whole tree ~${r.pdfTreeRssMb ?? '?'} MB (sum of RSS sampled every 200 ms)`);
  }
  lines.push(`  peak RSS        ${r.peakRssMb} MB: the report child of the HTML runs (${r.peakRssSource})`);
  if (r.phases) {
    const p = r.phases;
    const total = p.importMs + p.storeOpenMs + p.loadReportDataMs + p.buildReportModelMs + p.writeReportFilesMs;
    const pct = (x) => `${Math.round((100 * x) / total)}%`.padStart(4);
    lines.push(`  phases (one in-process run, ${n(p.wallMs)} ms wall with the split below):`);
    lines.push(`    imports + config    ${n(p.importMs).padStart(7)} ms ${pct(p.importMs)}`);
    lines.push(`    open store          ${n(p.storeOpenMs).padStart(7)} ms ${pct(p.storeOpenMs)}`);
    lines.push(`    store reads         ${n(p.storeReadMs).padStart(7)} ms ${pct(p.storeReadMs)}  (${p.storeReads} calls, ${p.snapshotsRead} snapshots decoded)`);
    lines.push(`    analyse+audit+conn  ${n(p.analyseAuditConnectivityMs).padStart(7)} ms ${pct(p.analyseAuditConnectivityMs)}  (split, second pass over ${p.split.snapshots} snapshots: analyse ${n(p.split.analyseMs)}, audit ${n(p.split.auditMs)}, connectivity ${n(p.split.connectivityMs)}, getSnapshot ${n(p.split.getSnapshotMs)} ms; recomputing the content hashes from the pods, which getSnapshot avoids, would add ${n(p.split.contentHashMs)} ms)`);
    lines.push(`    build report model  ${n(p.buildReportModelMs).padStart(7)} ms ${pct(p.buildReportModelMs)}`);
    lines.push(`    write files         ${n(p.writeReportFilesMs).padStart(7)} ms ${pct(p.writeReportFilesMs)}  (report.html ~${n(p.renderHtmlMs)} ms, CSV/JSON exports ~${n(p.exportsMs)} ms, ${p.files} files)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench-fleet-report: ${e?.stack ?? e}\n`);
  process.exit(1);
});
