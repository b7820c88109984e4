#!/usr/bin/env node
// Benchmark of netpol-audit on synthetic clusters (issue 7): generation is cached on disk, every measurement
// runs in a fresh child process (so its peak RSS is its own), medians of several runs with min/max.
//
//   npm run bench -- [--workload W1|W2|W3|all] [--json] [--runs N] [--scale S] [--seed N]
//                    [--timeout SECONDS] [--phases manifests,load,analyse,summary,diff,audit]
//                    [--profile] [--max-old-space-size MB] [--no-build]
//   npm run bench -- --verify [--scale S<=0.02] [--seed N] [--workload ...]
//
// Plain JavaScript over dist/: the script rebuilds dist/ (npm run build) when a source file is newer.
import { forEachLine, newestMtime, parseFlags, stats } from './bench-common.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// NETPOL_BENCH_DIST: another compiled tree (tests use a fresh compile); it is then never rebuilt
const dist = process.env.NETPOL_BENCH_DIST ? resolve(process.env.NETPOL_BENCH_DIST) : join(root, 'dist');
const WORKLOADS = ['W1', 'W2', 'W3'];
const PHASES = ['manifests', 'load', 'analyse', 'summary', 'diff', 'audit', 'audit-checks'];
/** Phases that need the analysis: skipped when `analyse` failed. */
const NEEDS_ANALYSIS = new Set(['summary', 'diff', 'audit', 'audit-checks']);
/** Phases run only when asked for (--phases), or, for a workload beyond the engine's limits, after analyse. */
const EXTRA_PHASES = ['reach-blocks', 'block-diff', 'block-audit', 'policy-audit', 'limit-diff'];
const TAKEN_AT = '2026-01-01T00:00:00.000Z';

const USAGE = `usage: npm run bench -- [options]
  --workload W1|W2|W3|all   which synthetic cluster(s) (default all)
  --scale S                 1 = 1,000 namespaces x 100 pods (default 1; --verify: 0.02)
  --seed N                  generator seed (default 1)
  --runs N                  runs per measurement; the median is reported with min/max (default 3)
  --json                    print only a JSON array: workload, pods, policies, classes, loadMs, analyseMs,
                            diffMs, auditMs, peakRssMb (+ extra)
  --timeout SECONDS         a phase running longer is killed and reported (default 300)
  --phases LIST             subset of ${[...PHASES, ...EXTRA_PHASES].join(',')} (default: all but ${EXTRA_PHASES.join(',')})
  --profile                 write a V8 CPU profile of each first-run child to <cache>/profiles
  --max-old-space-size MB   heap limit of the measuring children (default: Node's own)
  --max-classes N           the engine's class cap (default its own, 20,000): a lower one measures the paths
                            beyond the engine's limits on a small cluster
  --verify                  compare the engine with the brute-force evaluator (at most 2,000 app pods)
  --no-build                do not rebuild dist/
Generated clusters are cached in \${NETPOL_BENCH_CACHE:-/tmp/netpol-audit-bench}.
Before each workload a fixed allocation and sort loop is timed in a fresh process (machine reference, in
extra.machineReferenceMs): timings on a shared machine drift with its load, and compare only across runs
with similar references.

Measured, each in a fresh process: manifests = load the manifest folder (YAML + pods.json PodList);
load (loadMs) = read the streamed snapshot file; analyse (analyseMs) = buildClusterModel + analyseCluster;
summary = per-workload reach counts from the analysis (no pair listing); diff (diffMs) =
diffAnalyses between the snapshot's analysis and its 1%-mutated version's (the mutated snapshot's
analysis is reported apart; changes are counted, never pairs listed); audit (auditMs) = runAudit with DEFAULT_AUDIT_SETTINGS;
audit-checks = the same work step by step (facts, each check, exposure), so a slow check is named;
reach-blocks = snapshot -> model -> policy analysis -> the factorised reach of docs/factorised-engine.md
(its rules, then its blocks; each workload's peer workloads from them are timed apart);
block-audit = snapshot -> model -> policy analysis -> runBlockAudit (the audit from reach blocks: every check but
policy-redundant); block-diff = the connectivity diff from reach blocks between the snapshot and its 1% twin
(changedWorkloads + blockConnectivityDiff; each side's blocks are built first and timed apart); all three run
beyond the engine's limits or when asked. Beyond the class cap, analyseMs and diffMs are those of reach-blocks and
block-diff (extra.analyseFrom, extra.diffFrom say so; the table marks them "blocks"). Beyond the limits also:
policy-audit = the policy-level audit alone; limit-diff = the drift the diff command gives there (each side
audited from reach blocks, its connections listed when they fit, else compared from blocks; the time is driftBetween's, the sides apart).
peakRssMb = the largest maxRSS of the snapshot-based children (load..audit); the manifest child's is in extra.`;

// ------------------------------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const o = { workload: 'all', json: false, runs: 3, scale: undefined, seed: 1, timeout: 300, phases: PHASES, profile: false, heap: undefined, verify: false, build: true };
  parseFlags(argv, fail, (flag, { value, number }) => {
    switch (flag) {
      case '--workload': {
        const w = value().toUpperCase();
        if (w !== 'ALL' && !WORKLOADS.includes(w)) fail(`--workload must be one of ${WORKLOADS.join(', ')} or all`);
        o.workload = w === 'ALL' ? 'all' : w;
        break;
      }
      case '--json': o.json = true; break;
      case '--runs': o.runs = Math.floor(number(1)); break;
      case '--scale': o.scale = number(0.001); break;
      case '--seed': o.seed = value(); break;
      case '--timeout': o.timeout = number(0.001); break;
      case '--phases': {
        const list = value().split(',').map((s) => s.trim()).filter(Boolean);
        const known = [...PHASES, ...EXTRA_PHASES];
        const bad = list.filter((p) => !known.includes(p));
        if (bad.length) fail(`unknown phase(s) ${bad.join(', ')}; phases are ${known.join(', ')}`);
        o.phases = known.filter((p) => list.includes(p));
        break;
      }
      case '--profile': o.profile = true; break;
      case '--max-old-space-size': o.heap = Math.floor(number(64)); break;
      case '--max-classes': o.maxClasses = Math.floor(number(1)); break;
      case '--verify': o.verify = true; break;
      case '--no-build': o.build = false; break;
      case '--help': case '-h': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: return false;
    }
    return true;
  });
  return o;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

// ------------------------------------------------------------------------------------------ build

function ensureBuilt(build) {
  if (process.env.NETPOL_BENCH_DIST) return;
  const marker = join(dist, 'bench', 'synthetic-cluster.js');
  const stale = !existsSync(marker) || newestMtime(join(root, 'src')) > statSync(marker).mtimeMs;
  if (!stale) return;
  if (!build) {
    if (!existsSync(marker)) fail('dist/ is missing: run `npm run build` first');
    process.stderr.write('bench: warning: dist/ is older than src/ (run `npm run build`)\n');
    return;
  }
  process.stderr.write('bench: dist/ is missing or older than src/; running `npm run build`\n');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  if (r.status !== 0) fail('`npm run build` failed; fix the build (or run it yourself) and retry');
}

const load = (rel) => import(pathToFileURL(join(dist, rel)).href);

async function modules() {
  const [gen, writers, brute, snapshot, model, engine, settings, wc, bitset, diff, audit, auditSettings, manifests, registry, facts, exposure] = await Promise.all([
    load('bench/synthetic-cluster.js'),
    load('bench/cluster-writers.js'),
    load('bench/brute-force-evaluator.js'),
    load('core/model/snapshot.js'),
    load('core/model/cluster-model.js'),
    load('core/engine/analyse-cluster.js'),
    load('core/engine/engine-settings.js'),
    load('core/engine/workload-connectivity.js'),
    load('core/engine/bitset.js'),
    load('core/diff/analysis-diff.js'),
    load('core/findings/run-audit.js'),
    load('core/findings/audit-settings.js'),
    load('app/manifest-snapshot.js'),
    load('core/findings/check-registry.js'),
    load('core/findings/audit-facts.js'),
    load('core/findings/exposure.js'),
  ]);
  return { gen, writers, brute, snapshot, model, engine, settings, wc, bitset, diff, audit, auditSettings, manifests, registry, facts, exposure };
}

// ------------------------------------------------------------------------------------------ cache

function generatorVersion() {
  const h = createHash('sha256');
  for (const f of ['bench/synthetic-cluster.js', 'bench/cluster-writers.js']) h.update(readFileSync(join(dist, f)));
  return h.digest('hex').slice(0, 10);
}

function cacheDir(workload, scale, seed) {
  const base = process.env.NETPOL_BENCH_CACHE || '/tmp/netpol-audit-bench';
  return join(base, `${workload}-scale${scale}-seed${seed}-${generatorVersion()}`);
}

// ------------------------------------------------------------------------------------------ child side

/** Per-workload reach counts from the analysis: for each workload, how many workloads its pods may reach. */
function summarise(m, analysis) {
  const byWorkload = m.wc.workloadClasses(analysis);
  const names = [...byWorkload.keys()].sort();
  const wid = new Map(names.map((n, i) => [n, i]));
  const classWorkloads = analysis.classes.map((c) => c.workloads.map((w) => wid.get(w)));
  // distinct workloads behind a set of classes, with a generation-stamped mark per workload
  const mark = new Uint32Array(names.length);
  let generation = 0;
  const countWorkloads = (bits) => {
    generation++;
    let n = 0;
    bits.forEach((b) => {
      for (const x of classWorkloads[b]) if (mark[x] !== generation) { mark[x] = generation; n++; }
    });
    return n;
  };
  // reach rows are shared by classes with the same policies: count each row once
  const perRow = new Map();
  let reachablePairs = 0;
  let maxFanOut = 0;
  let reachNothing = 0;
  let externalEgress = 0;
  let externalIngress = 0;
  for (const [, ids] of byWorkload) {
    let u;
    let n;
    if (ids.length === 1) {
      const row = analysis.reach[ids[0]];
      let e = perRow.get(row);
      if (!e) perRow.set(row, (e = { peers: row.peers(), n: -1 }));
      u = e.peers;
      if (e.n < 0) e.n = countWorkloads(u);
      n = e.n;
    } else {
      u = m.bitset.Bitset.union(ids.flatMap((c) => analysis.reach[c].segments.map((seg) => seg.peers)));
      n = countWorkloads(u);
    }
    const count = n - (ids.some((c) => u.has(c)) ? 1 : 0);
    reachablePairs += count;
    maxFanOut = Math.max(maxFanOut, count);
    if (count === 0) reachNothing++;
    if (!m.wc.workloadExternal(analysis, ids, 'egress').isEmpty) externalEgress++;
    if (!m.wc.workloadExternal(analysis, ids, 'ingress').isEmpty) externalIngress++;
  }
  return { workloads: names.length, reachablePairs, maxFanOut, workloadsReachingNoWorkload: reachNothing, workloadsWithExternalEgress: externalEgress, workloadsWithExternalIngress: externalIngress };
}

/** Findings per severity, e.g. { high: 100, medium: 5426 }. */
function severityCounts(findings) {
  const out = {};
  for (const f of findings) out[f.severity] = (out[f.severity] ?? 0) + 1;
  return out;
}

/** What a diff's changes amount to (never the pairs themselves). */
function changeCounts(changes) {
  const count = (t) => changes.filter((c) => c.type === t).length;
  return {
    changes: changes.length,
    fromWorkloadsAddedOrRemoved: changes.filter((c) => c.workloadChange).length,
    added: count('added'),
    removed: count('removed'),
    changed: count('changed'),
  };
}

async function child(task, p) {
  const mark = (phase) => process.stderr.write(`@@phase ${phase}\n`);
  const m = await modules();
  const settings = p.maxClasses ? { ...m.settings.DEFAULT_ENGINE_SETTINGS, maxClasses: p.maxClasses } : m.settings.DEFAULT_ENGINE_SETTINGS;
  const timed = async (phase, fn) => {
    mark(phase);
    const t = performance.now();
    const value = await fn();
    const ms = performance.now() - t;
    // the parent judges the timeout on this too: a phase that overran is a timeout even if it ended between two polls
    process.stderr.write(`@@phase-end ${phase} ${ms}\n`);
    return [value, ms];
  };
  const out = { task, ms: null, rssMb: undefined, extra: {} };
  const readSnap = (file) => m.writers.readSnapshotJson(join(p.dir, file));
  const analyse = (s) => m.engine.analyseCluster(m.model.buildClusterModel(s).model, settings);
  /** Beyond the engine's limits: the snapshot's model and policy analysis, each timed. */
  const policyAnalysis = async () => {
    const snap = await readSnap('snapshot.json');
    const [built, modelMs] = await timed('buildClusterModel', () => m.model.buildClusterModel(snap));
    const [base, policiesMs] = await timed('analysePolicies', () => m.engine.analysePolicies(built.model, settings));
    return { base, modelMs, policiesMs };
  };
  /** The input of an audit beyond the engine's limits (runPolicyAudit, runBlockAudit). */
  const auditInput = (base) => ({ cluster: p.workload, takenAt: TAKEN_AT, analysis: base, settings: m.auditSettings.DEFAULT_AUDIT_SETTINGS, today: '2026-01-01', stoppedBecause: 'bench' });
  switch (task) {
    case 'generate': {
      const tmp = `${p.dir}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      const [content, generateMs] = await timed('generate', () => m.gen.generateCluster({ workload: p.workload, scale: p.scale, seed: p.seed }));
      const [mutated, mutateMs] = await timed('mutate', () => m.gen.mutate(content, 0.01, p.seed));
      const [snap, snapshotMs] = await timed('snapshot', () => m.gen.syntheticSnapshot(content, { cluster: p.workload, takenAt: TAKEN_AT }));
      const after = m.gen.syntheticSnapshot(mutated, { cluster: p.workload, takenAt: TAKEN_AT });
      const [snapshotBytes, writeSnapshotMs] = await timed('write-snapshot', () => m.writers.writeSnapshotJson(snap, join(tmp, 'snapshot.json')));
      await m.writers.writeSnapshotJson(after, join(tmp, 'snapshot-mutated.json'));
      const [written, writeManifestsMs] = await timed('write-manifests', () => m.writers.writeManifestFolder(content, join(tmp, 'manifests'), { podDetail: 'kubectl' }));
      const counts = m.gen.contentCounts(content);
      const meta = { workload: p.workload, scale: p.scale, seed: p.seed, counts, contentHash: snap.contentHash, mutatedContentHash: after.contentHash, snapshotBytes, podsJsonBytes: written.podsJsonBytes, generateMs, mutateMs, snapshotMs, writeSnapshotMs, writeManifestsMs };
      writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
      rmSync(p.dir, { recursive: true, force: true });
      renameSync(tmp, p.dir);
      out.extra = meta;
      break;
    }
    case 'manifests': {
      const [r, ms] = await timed('manifests', () => m.manifests.snapshotFromManifests(join(p.dir, 'manifests'), { cluster: p.workload, takenAt: TAKEN_AT }));
      out.ms = ms;
      out.extra = { pods: r.snapshot.pods.length, problems: r.problems.length, sameContentAsSnapshotFile: r.snapshot.contentHash === p.contentHash };
      break;
    }
    case 'load': {
      const [s, ms] = await timed('load', () => readSnap('snapshot.json'));
      out.ms = ms;
      out.extra = { pods: s.pods.length };
      break;
    }
    case 'analyse': {
      const s = await readSnap('snapshot.json');
      const [built, modelMs] = await timed('buildClusterModel', () => m.model.buildClusterModel(s));
      const [a, engineMs] = await timed('analyseCluster', () => m.engine.analyseCluster(built.model, settings));
      out.ms = modelMs + engineMs;
      const groups = (cov) => new Set(cov.map((c) => c.group)).size;
      out.extra = {
        buildClusterModelMs: modelMs,
        analyseClusterMs: engineMs,
        classes: a.classes.length,
        portAtoms: a.ports.atomCount,
        addressAtoms: a.addresses.atomCount,
        ingressGroups: groups(a.ingress),
        egressGroups: groups(a.egress),
        reachSegments: a.reach.reduce((s, r) => s + r.segments.length, 0),
        heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
      };
      break;
    }
    case 'summary': {
      const a = analyse(await readSnap('snapshot.json'));
      const [summary, ms] = await timed('summary', () => summarise(m, a));
      out.ms = ms;
      out.extra = summary;
      break;
    }
    case 'diff': {
      const before = analyse(await readSnap('snapshot.json'));
      const afterSnap = await readSnap('snapshot-mutated.json');
      const [after, analyseAfterMs] = await timed('analyse-mutated', () => analyse(afterSnap));
      const [changes, ms] = await timed('diffAnalyses', () => m.diff.diffAnalyses(before, after));
      out.ms = ms;
      out.extra = { analyseMutatedMs: analyseAfterMs, ...changeCounts(changes) };
      break;
    }
    case 'audit': {
      const a = analyse(await readSnap('snapshot.json'));
      const [r, ms] = await timed('runAudit', () =>
        m.audit.runAudit({ cluster: p.workload, takenAt: TAKEN_AT, analysis: a, settings: m.auditSettings.DEFAULT_AUDIT_SETTINGS, today: '2026-01-01' }),
      );
      out.ms = ms;
      out.extra = { findings: r.findings.length, bySeverity: severityCounts(r.findings) };
      break;
    }
    case 'policy-audit': {
      // beyond the engine's limits: snapshot -> model -> policy analysis -> the policy-level checks
      const { base, modelMs, policiesMs } = await policyAnalysis();
      const [r, checksMs] = await timed('runPolicyAudit', () => m.audit.runPolicyAudit(auditInput(base)));
      out.ms = modelMs + policiesMs + checksMs;
      out.extra = { buildClusterModelMs: modelMs, analysePoliciesMs: policiesMs, checksMs, classes: base.classes.length, checksRun: r.summary.checks.length, notRun: r.notRun.checks, findings: r.findings.length, bySeverity: severityCounts(r.findings) };
      break;
    }
    case 'reach-blocks': {
      // the factorised reach (docs/factorised-engine.md): from the snapshot, as far as it is built
      const rb = await load('core/engine/reach-blocks.js');
      const { base, modelMs, policiesMs } = await policyAnalysis();
      const [rules, rulesMs] = await timed('directionRules', () => ({ egress: rb.directionRules(base, 'egress'), ingress: rb.directionRules(base, 'ingress') }));
      const [blocks, blocksMs] = await timed('reachBlocks', () => rb.reachBlocks(base, rules.egress, rules.ingress));
      const wr = await load('core/engine/block-workload-reach.js');
      const [peers, peersMs] = await timed('workloadPeerWorkloads', () => wr.workloadPeerWorkloads(base, blocks).peers);
      out.ms = modelMs + policiesMs + rulesMs + blocksMs;
      out.rssMb = process.resourceUsage().maxRSS / 1024;
      // after the timing: the class pairs the blocks cover, counted with overlaps
      let classPairs = 0;
      for (let k = 0; k < blocks.count; k++) {
        const b = blocks.block(k);
        classPairs += b.sources.size * b.destinations.size;
      }
      out.extra = { buildClusterModelMs: modelMs, analysePoliciesMs: policiesMs, rulesMs, blocksMs, workloadPeersMs: peersMs, workloads: peers.size, classes: base.classes.length, egressRules: rules.egress.length, ingressRules: rules.ingress.length, blocks: blocks.count, classPairsWithOverlaps: classPairs };
      break;
    }
    case 'block-audit': {
      // beyond the class cap: snapshot -> model -> policy analysis -> the audit from reach blocks (every check
      // but those that need the complete analysis)
      const { base, modelMs, policiesMs } = await policyAnalysis();
      const [r, auditMs] = await timed('runBlockAudit', () => m.audit.runBlockAudit(auditInput(base)));
      out.ms = modelMs + policiesMs + auditMs;
      out.extra = { buildClusterModelMs: modelMs, analysePoliciesMs: policiesMs, auditMs, classes: base.classes.length, checksRun: r.summary.checks.length, notRun: r.notRun.checks, findings: r.findings.length, bySeverity: severityCounts(r.findings), containment: r.summary.containment };
      break;
    }
    case 'limit-diff': {
      // beyond the engine's limits: the drift the product gives (`diff`, reports) between the snapshot and its
      // 1% twin: each side audited from reach blocks (connections listed when they fit), else at policy level
      const drift = await load('app/drift-between.js');
      // as `diff` makes them: a side whose connections cannot be listed keeps its analysis, to compare them from blocks
      const side = (snap) => drift.driftSide(snap, settings, m.auditSettings.DEFAULT_AUDIT_SETTINGS, '2026-01-01', { keepAnalysis: true }).side;
      const [before, beforeMs] = await timed('drift side (snapshot)', async () => side(await readSnap('snapshot.json')));
      const [after, afterMs] = await timed('drift side (mutated)', async () => side(await readSnap('snapshot-mutated.json')));
      const [o, ms] = await timed('driftBetween', () => drift.driftBetween(before, after));
      out.ms = ms;
      out.extra = {
        sideMs: [beforeMs, afterMs],
        complete: o.complete,
        level: o.complete ? 'complete' : o.connections ? 'reach blocks, connections compared' : o.exposure ? 'reach blocks, connections not compared' : 'policy level',
        connections: o.complete ? o.drift.connections.length : (o.connections?.length ?? null),
        newlyExposed: o.complete ? o.drift.newlyInternetExposed.length + o.drift.newlyCrossNamespaceExposed.length : o.exposure ? o.exposure.newlyInternetExposed.length + o.exposure.newlyCrossNamespaceExposed.length : null,
        policies: o.drift.policies.length,
        coverage: o.drift.coverage.length,
        findingsNew: o.drift.findings.new.length,
        findingsResolved: o.drift.findings.resolved.length,
      };
      break;
    }
    case 'block-diff': {
      // beyond the engine's limits: the connectivity diff from reach blocks (docs/factorised-engine.md, step 4)
      // between the snapshot and its 1% twin. Each side's blocks are its analysis here: built first, timed apart
      // (as the diff phase times diffAnalyses between two prepared analyses); the time is changedWorkloads + the diff.
      const rb = await load('core/engine/reach-blocks.js');
      const cw = await load('core/diff/changed-workloads.js');
      const bd = await load('core/diff/block-connectivity-diff.js');
      const side = async (file, name) => {
        const snap = await readSnap(file);
        const [r, ms] = await timed(`blocks (${name})`, () => {
          const base = m.engine.analysePolicies(m.model.buildClusterModel(snap).model, settings);
          // as blockConnectivityDiff builds them: the side lets go of its memoised peer sets after each direction
          const blocks = rb.reachBlocksReleasingPeers(base);
          return { base, blocks };
        });
        return { ...r, ms };
      };
      const before = await side('snapshot.json', 'snapshot');
      const after = await side('snapshot-mutated.json', 'mutated');
      const [changed, changedMs] = await timed('changedWorkloads', () => cw.changedWorkloads(before.base, after.base));
      const [changes, diffMs] = await timed('blockConnectivityDiff', () => bd.blockConnectivityDiff(before.base, after.base, { changed, blocks: [before.blocks, after.blocks] }));
      out.ms = changedMs + diffMs;
      out.extra = {
        sideMs: [before.ms, after.ms],
        changedWorkloadsMs: changedMs,
        diffMs,
        workloads: new Set(before.base.classes.flatMap((c) => c.workloads)).size,
        changedAsSource: changed.sources.size,
        changedAsDestination: changed.destinations.size,
        ...changeCounts(changes),
      };
      break;
    }
    case 'audit-checks': {
      const a = analyse(await readSnap('snapshot.json'));
      const [facts, factsMs] = await timed('audit: facts', () => m.facts.computeAuditFacts(a));
      const checks = {};
      for (const check of m.registry.CHECKS) {
        const [drafts, ms] = await timed(`audit: check ${check.id}`, () =>
          check.run({ cluster: p.workload, facts, settings: m.auditSettings.DEFAULT_AUDIT_SETTINGS, today: '2026-01-01' }),
        );
        checks[check.id] = { ms, findings: drafts.length };
      }
      const [, exposureMs] = await timed('audit: exposure', () => m.exposure.workloadExposure(facts));
      out.ms = factsMs + exposureMs + Object.values(checks).reduce((sum, c) => sum + c.ms, 0);
      out.extra = { factsMs, exposureMs, checks };
      break;
    }
    default:
      throw new Error(`unknown child task ${task}`);
  }
  out.rssMb ??= process.resourceUsage().maxRSS / 1024;
  out.heapLimitMb = (await import('node:v8')).getHeapStatistics().heap_size_limit / 2 ** 20;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// ------------------------------------------------------------------------------------------ parent side

/** Runs one child; kills it when one phase runs longer than the timeout. */
function runChild(task, params, o, profileDir) {
  return new Promise((resolvePromise) => {
    const nodeArgs = [];
    if (o.heap) nodeArgs.push(`--max-old-space-size=${o.heap}`);
    if (profileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${params.workload}-${task}.cpuprofile`);
    const started = Date.now();
    const cp = spawn(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), '--child', task], {
      env: { ...process.env, NETPOL_BENCH_CHILD: JSON.stringify(params) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let errTail = '';
    let phase = 'startup';
    let phaseStart = Date.now();
    let timedOut;
    let capped;
    cp.stdout.on('data', (d) => (stdout += d));
    forEachLine(cp.stderr, (line) => {
      if (line.startsWith('@@capped ')) {
        const [summary, message] = line.slice(9).split('\t');
        capped = { summary, message: message ?? '' };
      } else if (line.startsWith('@@phase-end ')) {
        const [, ended, ms] = line.split(' ');
        if (!timedOut && Number(ms) > o.timeout * 1000) {
          timedOut = { phase: ended, seconds: Math.round(Number(ms) / 1000) };
          cp.kill('SIGKILL');
        }
      } else if (line.startsWith('@@phase ')) {
        phase = line.slice(8);
        phaseStart = Date.now();
        if (!o.json) process.stderr.write(`  ${params.workload} ${task}: ${phase}\n`);
      } else errTail = `${errTail}${line}\n`.slice(-4000);
    });
    const timer = setInterval(() => {
      if (!timedOut && Date.now() - phaseStart > o.timeout * 1000) {
        timedOut = { phase, seconds: Math.round((Date.now() - phaseStart) / 1000) };
        cp.kill('SIGKILL');
      }
    }, 250);
    cp.on('close', (code, signal) => {
      clearInterval(timer);
      const wallMs = Date.now() - started;
      const last = stdout.trim().split('\n').pop();
      if (!timedOut && code === 0 && last) {
        try {
          return resolvePromise({ ok: true, wallMs, ...JSON.parse(last) });
        } catch {
          /* fall through */
        }
      }
      let reason;
      if (capped) reason = `engine limit: ${capped.summary}; the engine stopped with its explanation after ${Math.round(wallMs)} ms (${capped.message.slice(0, 160)}...)`;
      else if (timedOut) reason = `timeout: ${timedOut.phase} ran over ${o.timeout} s (killed)`;
      else if (/heap out of memory|Allocation failed/i.test(errTail)) reason = `out of memory (V8 heap) in ${phase}`;
      else if (/Cannot create a string longer than|ERR_STRING_TOO_LONG/.test(errTail)) reason = `V8 string length limit in ${phase} (${(errTail.match(/(Error[^\n]*string longer[^\n]*)/) ?? [])[1] ?? 'ERR_STRING_TOO_LONG'})`;
      else if (/Invalid string length/.test(errTail)) reason = `V8 string length limit (Invalid string length) in ${phase}`;
      else reason = `exit ${code ?? signal} in ${phase}: ${errTail.trim().split('\n').filter(Boolean).slice(-3).join(' | ').slice(0, 300)}`;
      resolvePromise({ ok: false, wallMs, reason, phase, stderr: errTail, ...(capped ? { capped } : {}) });
    });
  });
}

/**
 * The machine's speed at the time of a run: a fixed allocation-, Map- and sort-heavy loop (like the engine's
 * work, unlike a pure arithmetic loop) in a fresh process, median of 3. On this shared machine the same
 * commit's timings drift by up to 50% over an hour; the reference drifts with them.
 */
function machineReference() {
  const code = [
    'const t = performance.now();',
    'const m = new Map();',
    'for (let i = 0; i < 300000; i++) m.set(`k${i}`, { i, s: String(i * 7919) });',
    'const a = [...m.values()].map((o) => (o.i * 7919) % 300000);',
    'a.sort((x, y) => x - y);',
    'let n = 0;',
    'for (const v of m.values()) n += v.s.length;',
    'process.stdout.write(String(n > 0 ? performance.now() - t : -1));',
  ].join('\n');
  const runs = [0, 1, 2].map(() => Number(spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).stdout));
  return stats(runs).median;
}

/** Self time per function of a V8 .cpuprofile, largest first (relative paths; anonymous functions by line). */
function profileTop(file, limit = 12) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    total += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const byFn = new Map();
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(`${root}/`, '').replace(`${dist}/`, 'dist/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  return [...byFn]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([fn, us]) => ({ fn, ms: Math.round(us / 1000), share: Math.round((1000 * us) / total) / 10 }));
}

const round = (x) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);

async function benchWorkload(workload, o) {
  const scale = o.scale ?? 1;
  const dir = cacheDir(workload, scale, o.seed);
  const params = { workload, scale, seed: o.seed, dir, ...(o.maxClasses ? { maxClasses: o.maxClasses } : {}) };
  let meta;
  if (existsSync(join(dir, 'meta.json'))) meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  else {
    if (!o.json) process.stderr.write(`${workload}: generating (scale ${scale}, seed ${o.seed}) into ${dir}\n`);
    const g = await runChild('generate', params, { ...o, timeout: Math.max(o.timeout, 1800) });
    if (!g.ok) return { workload, error: `generation failed: ${g.reason}` };
    meta = g.extra;
  }
  params.contentHash = meta.contentHash;
  const profileDir = o.profile ? join(dir, 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const machineReferenceMs = machineReference();
  const phases = {};
  const failures = {};
  /** o.runs fresh children of one phase (the first profiled when asked); stops at the first failure. */
  const measure = async (phase, profile) => {
    const runs = [];
    for (let r = 0; r < o.runs; r++) {
      const res = await runChild(phase, params, o, r === 0 ? profile : undefined);
      if (!res.ok) {
        failures[phase] = res.reason;
        break;
      }
      runs.push(res);
    }
    if (runs.length) phases[phase] = { ms: stats(runs.map((x) => x.ms)), rssMb: Math.max(...runs.map((x) => x.rssMb)), heapLimitMb: runs[0].heapLimitMb, extra: runs[0].extra };
  };
  for (const phase of o.phases) {
    if (NEEDS_ANALYSIS.has(phase) && failures.analyse) {
      failures[phase] = `skipped: analyse failed (${failures.analyse})`;
      continue;
    }
    if (profileDir) rmSync(join(profileDir, `${workload}-${phase}.cpuprofile`), { force: true });
    await measure(phase, profileDir);
  }
  // a cluster beyond the engine's limits still gets the policy-level audit and drift: measure those paths,
  // and how far the factorised reach that is to lift the limit has come
  if (failures.analyse?.startsWith('engine limit:')) for (const phase of ['reach-blocks', 'block-diff', 'block-audit', 'policy-audit', 'limit-diff']) if (!phases[phase]) await measure(phase);
  const profiles = {};
  if (profileDir) {
    for (const phase of o.phases) {
      const file = join(profileDir, `${workload}-${phase}.cpuprofile`);
      // a killed child (timeout) writes no profile
      if (existsSync(file)) profiles[phase] = { file, top: profileTop(file) };
    }
  }
  return { workload, meta, phases, failures, dir, profiles, machineReferenceMs };
}

function toJson(r) {
  const ms = (phase) => round(r.phases?.[phase]?.ms.median);
  // beyond the class cap the analysis is the factorised engine's (reach blocks, exact) and the diff is taken from
  // its blocks: the figures then come from those phases, and extra.analyseFrom / extra.diffFrom say so
  const fromBlocks = !r.phases?.analyse && r.phases?.['reach-blocks'];
  const analysePhase = fromBlocks ? 'reach-blocks' : 'analyse';
  const diffPhase = !r.phases?.diff && r.phases?.['block-diff'] ? 'block-diff' : 'diff';
  const rssPhases = ['load', analysePhase, 'summary', diffPhase, 'audit'].filter((p) => r.phases?.[p]);
  const spread = {};
  for (const [p, v] of Object.entries(r.phases ?? {})) spread[p] = { median: round(v.ms.median), min: round(v.ms.min), max: round(v.ms.max), runs: v.ms.runs, rssMb: round(v.rssMb) };
  return {
    workload: r.workload,
    pods: r.meta?.counts.pods ?? null,
    policies: r.meta ? r.meta.counts.networkPolicies + r.meta.counts.adminPolicies : null,
    classes: r.phases?.analyse?.extra.classes ?? r.phases?.['reach-blocks']?.extra.classes ?? null,
    loadMs: ms('load'),
    analyseMs: ms(analysePhase),
    diffMs: ms(diffPhase),
    auditMs: ms('audit'),
    peakRssMb: rssPhases.length ? round(Math.max(...rssPhases.map((p) => r.phases[p].rssMb))) : null,
    extra: {
      ...(r.error ? { error: r.error } : {}),
      ...(analysePhase !== 'analyse' ? { analyseFrom: 'reach blocks: snapshot -> model -> policy analysis -> rules -> blocks (the class cap stopped analyseCluster)' } : {}),
      ...(diffPhase !== 'diff' ? { diffFrom: 'reach blocks: changedWorkloads + blockConnectivityDiff between the two sides\' blocks (built apart, extra.blockDiff.sideMs)' } : {}),
      scale: r.meta?.scale,
      seed: r.meta?.seed,
      namespaces: r.meta?.counts.namespaces,
      workloads: r.meta?.counts.workloads,
      nodes: r.meta?.counts.nodes,
      manifestLoadMs: ms('manifests'),
      manifestRssMb: round(r.phases?.manifests?.rssMb),
      summaryMs: ms('summary'),
      phases: spread,
      failures: r.failures ?? {},
      analyse: r.phases?.analyse?.extra,
      summary: r.phases?.summary?.extra,
      diff: r.phases?.diff?.extra,
      audit: r.phases?.audit?.extra,
      auditSteps: r.phases?.['audit-checks']?.extra,
      policyLevelAudit: r.phases?.['policy-audit'] && { ...r.phases['policy-audit'].extra, ms: spread['policy-audit'] },
      limitDiff: r.phases?.['limit-diff'] && { ...r.phases['limit-diff'].extra, ms: spread['limit-diff'] },
      reachBlocks: r.phases?.['reach-blocks'] && { ...r.phases['reach-blocks'].extra, ms: spread['reach-blocks'] },
      blockAudit: r.phases?.['block-audit'] && { ...r.phases['block-audit'].extra, ms: spread['block-audit'] },
      blockDiff: r.phases?.['block-diff'] && { ...r.phases['block-diff'].extra, ms: spread['block-diff'] },
      manifests: r.phases?.manifests?.extra,
      heapLimitMb: round(Object.values(r.phases ?? {})[0]?.heapLimitMb),
      generation: r.meta && { generateMs: round(r.meta.generateMs), writeManifestsMs: round(r.meta.writeManifestsMs), snapshotBytes: r.meta.snapshotBytes, podsJsonBytes: r.meta.podsJsonBytes },
      cache: r.dir,
      machineReferenceMs: r.machineReferenceMs === undefined ? undefined : round(r.machineReferenceMs),
      ...(r.profiles && Object.keys(r.profiles).length ? { profiles: r.profiles } : {}),
    },
  };
}

function table(rows, results) {
  const cell = (r, phase) => {
    const p = r.phases?.[phase];
    if (!p) return r.failures?.[phase] ? 'FAILED*' : r.error ? 'FAILED*' : '-';
    const f = (x) => (x >= 10000 ? `${(x / 1000).toFixed(1)}s` : `${Math.round(x)}`);
    return p.ms.runs > 1 ? `${f(p.ms.median)} (${f(p.ms.min)}-${f(p.ms.max)})` : f(p.ms.median);
  };
  /** A cell in running text: its unit after it (cells of 10 s and more carry their own). */
  const timeText = (r, phase) => {
    const c = cell(r, phase);
    return /\ds/.test(c) ? c : `${c} ms`;
  };
  const header = ['workload', 'pods', 'policies', 'classes', 'manifests ms', 'load ms', 'analyse ms', 'summary ms', 'diff ms', 'audit ms', 'peak RSS MB'];
  const body = results.map((r, i) => {
    const j = rows[i];
    const analyse = j.extra.analyseFrom ? `${cell(r, 'reach-blocks')} blocks` : cell(r, 'analyse');
    const diff = j.extra.diffFrom ? `${cell(r, 'block-diff')} blocks` : cell(r, 'diff');
    return [r.workload, j.pods ?? '-', j.policies ?? '-', j.classes ?? '-', cell(r, 'manifests'), cell(r, 'load'), analyse, cell(r, 'summary'), diff, cell(r, 'audit'), j.peakRssMb ?? '-'].map(String);
  });
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  for (const [i, r] of results.entries()) {
    const j = rows[i];
    if (r.error) out.push(`* ${r.workload}: ${r.error}`);
    for (const [phase, reason] of Object.entries(r.failures ?? {})) out.push(`* ${r.workload} ${phase}: ${reason}`);
    const d = j.extra.diff;
    if (d) out.push(`  ${r.workload} diff: ${d.changes} changes (${d.added} added, ${d.removed} removed, ${d.changed} changed; ${d.fromWorkloadsAddedOrRemoved} from workloads added or removed); analysing the mutated snapshot ${Math.round(d.analyseMutatedMs)} ms`);
    const a = j.extra.analyse;
    if (a) out.push(`  ${r.workload} analyse: buildClusterModel ${Math.round(a.buildClusterModelMs)} ms + analyseCluster ${Math.round(a.analyseClusterMs)} ms; ${a.classes} classes, ${a.portAtoms} port atoms, ${a.addressAtoms} address atoms, ${a.ingressGroups}/${a.egressGroups} ingress/egress groups`);
    const pa = j.extra.policyLevelAudit;
    if (pa) {
      out.push(
        `  ${r.workload} beyond the engine limits: policy-level audit (${pa.checksRun} checks; not run: ${pa.notRun.length}) ${cell(r, 'policy-audit')} ms from the snapshot (model ${Math.round(pa.buildClusterModelMs)}, ` +
          `classes and selectors ${Math.round(pa.analysePoliciesMs)}, checks ${Math.round(pa.checksMs)}), ${pa.findings} findings, peak RSS ${pa.ms.rssMb} MB`,
      );
    }
    const pd = j.extra.limitDiff;
    if (pd) {
      out.push(
        `  ${r.workload} drift as beyond the engine limits (${pd.level}): ${timeText(r, 'limit-diff')} between the two prepared sides (each side: snapshot -> audit, ` +
          `${pd.sideMs.map((x) => Math.round(x)).join(' and ')} ms); ${pd.connections ?? 'no'} connection changes, ${pd.newlyExposed ?? 'no'} newly exposed, ` +
          `${pd.policies} policy changes, ${pd.coverage} coverage changes, ${pd.findingsNew} new and ${pd.findingsResolved} resolved findings; peak RSS ${pd.ms.rssMb} MB`,
      );
    }
    const rbx = j.extra.reachBlocks;
    if (rbx) {
      out.push(
        `  ${r.workload} reach blocks (docs/factorised-engine.md): ${timeText(r, 'reach-blocks')} from the snapshot (model ${Math.round(rbx.buildClusterModelMs)}, ` +
          `classes and selectors ${Math.round(rbx.analysePoliciesMs)}, rules ${Math.round(rbx.rulesMs)}, blocks ${Math.round(rbx.blocksMs)}); ${rbx.egressRules}/${rbx.ingressRules} egress/ingress rules, ` +
          `${rbx.blocks} blocks over ${rbx.classPairsWithOverlaps.toExponential(2)} class pairs (with overlaps); ` +
          `then each workload's peer workloads both ways (${rbx.workloads} workloads) ${Math.round(rbx.workloadPeersMs)} ms; peak RSS ${rbx.ms.rssMb} MB with them`,
      );
    }
    const bdx = j.extra.blockDiff;
    if (bdx) {
      out.push(
        `  ${r.workload} diff from reach blocks: ${timeText(r, 'block-diff')} (changed workloads ${Math.round(bdx.changedWorkloadsMs)} ms: ${bdx.changedAsSource} as sources, ${bdx.changedAsDestination} as destinations of ${bdx.workloads}; ` +
          `their rows compared ${Math.round(bdx.diffMs)} ms); ${bdx.changes} changes (${bdx.added} added, ${bdx.removed} removed, ${bdx.changed} changed; ${bdx.fromWorkloadsAddedOrRemoved} from workloads added or removed); ` +
          `each side's blocks from the snapshot ${bdx.sideMs.map((x) => Math.round(x)).join(' and ')} ms; peak RSS ${bdx.ms.rssMb} MB`,
      );
    }
    const bax = j.extra.blockAudit;
    if (bax) {
      out.push(
        `  ${r.workload} audit from reach blocks (${bax.checksRun} checks; not run: ${bax.notRun.join(', ') || 'none'}): ${timeText(r, 'block-audit')} from the snapshot (model ${Math.round(bax.buildClusterModelMs)}, ` +
          `classes and selectors ${Math.round(bax.analysePoliciesMs)}, blocks, facts and checks ${Math.round(bax.auditMs)}), ${bax.findings} findings, containment ${bax.containment.score} (${bax.containment.grade}); peak RSS ${bax.ms.rssMb} MB`,
      );
    }
    const ac = r.phases?.['audit-checks']?.extra;
    if (ac) {
      const slow = Object.entries(ac.checks).sort((x, y) => y[1].ms - x[1].ms).slice(0, 4);
      out.push(`  ${r.workload} audit steps: facts ${Math.round(ac.factsMs)} ms, exposure ${Math.round(ac.exposureMs)} ms; slowest checks ${slow.map(([id, c]) => `${id} ${Math.round(c.ms)} ms`).join(', ')}`);
    }
    if (j.extra.machineReferenceMs !== undefined) out.push(`  ${r.workload} machine reference: ${j.extra.machineReferenceMs} ms (see --help: compare timings only across runs with similar references)`);
    const s = j.extra.summary;
    if (s) out.push(`  ${r.workload} summary: ${s.workloads} workloads, ${s.reachablePairs} reachable workload pairs, max fan-out ${s.maxFanOut}`);
    for (const [phase, p] of Object.entries(r.profiles ?? {})) {
      out.push(`  ${r.workload} ${phase} profile (${p.file}), self time:`);
      for (const t of p.top) out.push(`      ${String(t.ms).padStart(7)} ms ${String(t.share).padStart(5)}%  ${t.fn}`);
    }
    if (j.extra.manifests) out.push(`  ${r.workload} manifests: ${j.extra.manifests.pods} pods read, pods.json ${(j.extra.generation.podsJsonBytes / 2 ** 20).toFixed(0)} MiB, same content as the snapshot file: ${j.extra.manifests.sameContentAsSnapshotFile}; RSS ${j.extra.manifestRssMb} MB`);
  }
  return out.join('\n');
}

// ------------------------------------------------------------------------------------------ verify

async function verify(o) {
  const scale = o.scale ?? 0.02;
  if (Math.max(2, Math.round(1000 * scale)) * 100 > 2000) fail('--verify runs the brute-force evaluator: use --scale 0.02 or less (at most 2,000 app pods)');
  const m = await modules();
  const settingsList = [m.settings.DEFAULT_ENGINE_SETTINGS, { ...m.settings.DEFAULT_ENGINE_SETTINGS, ipBlockPods: 'ignore', hostNetwork: 'node' }];
  const parts = [];
  let ok = true;
  for (const workload of o.workload === 'all' ? WORKLOADS : [o.workload]) {
    const content = m.gen.generateCluster({ workload, scale, seed: o.seed });
    let pairs = 0;
    let workloadPairs = 0;
    let bad;
    for (const c of [content, m.gen.mutate(content, 0.01, o.seed)]) {
      for (const settings of settingsList) {
        const engine = m.wc.workloadConnectivity(m.engine.analyseCluster(m.model.buildClusterModel(c).model, settings));
        const brute = m.brute.bruteForceConnectivity(c, settings);
        const cmp = m.brute.compareConnectivity(engine, brute);
        pairs += brute.podPairs;
        workloadPairs += cmp.workloadPairs;
        if (!cmp.equal && !bad) bad = { settings, cmp };
      }
    }
    if (bad) {
      ok = false;
      parts.push(`${workload} DISAGREES`);
      process.stderr.write(`${workload} (settings ${JSON.stringify(bad.settings)}): ${bad.cmp.missingCount} lines only the engine has, ${bad.cmp.unexpectedCount} only brute force has\n`);
      for (const x of bad.cmp.missing) process.stderr.write(`  engine only: ${x}\n`);
      for (const x of bad.cmp.unexpected) process.stderr.write(`  brute only:  ${x}\n`);
    } else parts.push(`${workload} ok (${pairs} pairs)`);
  }
  process.stdout.write(`brute-force agreement: ${parts.join(', ')}\n`);
  process.stdout.write(`(scale ${scale}, seed ${o.seed}; each workload as generated and 1%-mutated, under the default settings and under --ipblock-pods ignore --host-network node; pairs = pod pairs decided)\n`);
  process.exit(ok ? 0 : 1);
}

// ------------------------------------------------------------------------------------------ main

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    try {
      await child(argv[1], JSON.parse(process.env.NETPOL_BENCH_CHILD));
    } catch (e) {
      // the engine's graceful stops (any EngineLimitError: class cap, pair-cell limit): reported as such
      const { EngineLimitError } = await load('core/engine/engine-limit-error.js');
      if (!(e instanceof EngineLimitError)) throw e;
      process.stderr.write(`@@capped ${e.summary}\t${e.message}\n`);
      process.exit(4);
    }
    return;
  }
  const o = parseArgs(argv);
  ensureBuilt(o.build);
  if (o.verify) return verify(o);
  const results = [];
  for (const workload of o.workload === 'all' ? WORKLOADS : [o.workload]) results.push(await benchWorkload(workload, o));
  const rows = results.map(toJson);
  if (o.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else process.stdout.write(`${table(rows, results)}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${e?.stack ?? e}\n`);
  process.exit(1);
});
