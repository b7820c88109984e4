#!/usr/bin/env node
// Benchmark of report rendering: HTML, exports and PDF for a synthetic fleet report model.
//
//   npm run build && node scripts/bench-report.mjs [--namespaces 2000] [--clusters 4] [--runs 3]
//                                                  [--page-size A4|Letter] [--no-pdf] [--keep DIR] [--json]
//
// Plain JavaScript over dist/ (Node 20 cannot run TypeScript): build first. The model is generated here,
// deterministically, at the scale of a fleet: per namespace ~6 policies and ~2 findings.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(`--${name}`);
const NAMESPACES = Number(opt('namespaces', '2000'));
const CLUSTERS = Number(opt('clusters', '4'));
const RUNS = Number(opt('runs', '3'));
const PAGE_SIZE = opt('page-size', 'A4');
const json = flag('json');

if (!existsSync(path.join(dist, 'adapters', 'render', 'report-files.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const { renderReportHtml, renderEmailBodies } = await import(pathToFileURL(path.join(dist, 'adapters/render/html-report.js')).href);
const { writeReportFiles } = await import(pathToFileURL(path.join(dist, 'adapters/render/report-files.js')).href);
const { PdfPrinter } = await import(pathToFileURL(path.join(dist, 'adapters/render/pdf-printer.js')).href);

// ------------------------------------------------------------------------------------------ the model

/** Small deterministic PRNG (mulberry32) so every run renders the same model. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
const CHECKS = [
  ['default-deny-missing', 'Namespace without default-deny', 'high'],
  ['pod-not-isolated', 'Workload not isolated', 'medium'],
  ['egress-to-any-address', 'Egress allowed to any address', 'medium'],
  ['workload-internet-exposed', 'Workload reachable from or reaching the internet', 'critical'],
  ['policy-selects-nothing', 'Policy that selects no pod', 'low'],
  ['pod-labels-unreferenced', 'Pods no selector can single out', 'info'],
];

function syntheticModel(namespaceCount, clusterCount) {
  const rnd = prng(42);
  const clusters = Array.from({ length: clusterCount }, (_, i) => `prod-${i + 1}`);
  const perCluster = Math.ceil(namespaceCount / clusterCount);
  const sections = [];
  const policies = [];
  const findingsByCheck = new Map(CHECKS.map(([id]) => [id, []]));
  let fp = 0;
  for (const cluster of clusters) {
    const rows = [];
    for (let n = 0; n < perCluster && sections.length * perCluster + n < namespaceCount; n++) {
      const ns = `team-${String(n).padStart(4, '0')}-svc`;
      const workloads = 2 + Math.floor(rnd() * 8);
      const dd = ['both', 'both', 'both', 'ingress only', 'none'][Math.floor(rnd() * 5)];
      const findings = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
      const add = (check, title, severity, extra) => {
        findings[severity] += 1;
        findingsByCheck.get(check).push({ check, title, severity, cluster, namespace: ns, fingerprint: `sha256:${(++fp).toString(16).padStart(16, '0')}`, suppressed: rnd() < 0.05, status: rnd() < 0.3 ? 'new' : 'persisting', ...extra });
      };
      if (dd === 'none') add('default-deny-missing', CHECKS[0][1], 'high', { message: `namespace ${ns} has default-deny: none` });
      if (dd !== 'both') add('pod-not-isolated', CHECKS[1][1], 'medium', { workload: `${ns}/api[Deployment]`, message: `${ns}/api[Deployment] is not isolated on egress` });
      if (rnd() < 0.2) add('egress-to-any-address', CHECKS[2][1], 'medium', { policy: `${ns}/egress`, message: `${ns}/egress allows TCP 443 to 0.0.0.0/0` });
      if (rnd() < 0.02) add('workload-internet-exposed', CHECKS[3][1], 'critical', { workload: `${ns}/web[Deployment]`, message: `${ns}/web[Deployment] accepts TCP 8443 from public addresses` });
      if (rnd() < 0.3) add('policy-selects-nothing', CHECKS[4][1], 'low', { policy: `${ns}/legacy`, message: `${ns}/legacy selects app=legacy, which matches no pod` });
      if (rnd() < 0.5) add('pod-labels-unreferenced', CHECKS[5][1], 'info', { workload: `${ns}/worker[Deployment]`, message: `${ns}/worker[Deployment] labels are referenced by no selector` });
      const policyCount = 3 + Math.floor(rnd() * 6);
      for (let p = 0; p < policyCount; p++) {
        policies.push({ cluster, kind: 'NetworkPolicy', namespace: ns, name: p === 0 ? 'default-deny' : `allow-${['dns', 'ingress', 'egress-db', 'metrics', 'partner', 'batch', 'cache', 'search'][p - 1]}`, selects: p === 0 ? '{}' : `app=${ns}-${p}`, podsSelected: 1 + Math.floor(rnd() * 10), directions: p === 0 ? 'Ingress, Egress' : 'Ingress', rules: p === 0 ? 0 : 1 + Math.floor(rnd() * 3), createdAt: '2026-03-01T00:00:00Z' });
      }
      const score = Math.round((40 + rnd() * 60) * 10) / 10;
      rows.push({ namespace: ns, workloads, pods: workloads * 3, policies: policyCount, defaultDeny: dd, neutralised: rnd() < 0.02, isolatedIngressPercent: dd === 'none' ? 0 : 100, isolatedEgressPercent: dd === 'both' ? 100 : 0, score, grade: score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F', findings });
    }
    const totals = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const r of rows) for (const s of SEVERITIES) totals[s] += r.findings[s];
    sections.push({
      cluster, status: 'ok', score: 78.4, grade: 'C', namespaces: rows.length,
      workloads: rows.reduce((a, r) => a + r.workloads, 0), pods: rows.reduce((a, r) => a + r.pods, 0),
      policies: rows.reduce((a, r) => a + r.policies, 0), findings: totals, namespaceRows: rows,
      snapshot: { id: `snap-${cluster}`, takenAt: '2026-09-30T23:00:00.000Z', contentHash: `sha256:${'ab'.repeat(32)}`, serverVersion: 'v1.31.4', failures: [] },
    });
  }
  const findingsBySeverity = SEVERITIES.map((severity) => {
    const checks = CHECKS.filter(([, , s]) => s === severity).map(([check, title]) => ({
      check, title, severity, rationale: 'Why it matters.', remediation: 'Add a default-deny with `podSelector: {}`.',
      snippet: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]',
      findings: findingsByCheck.get(check),
    }));
    return { severity, count: checks.reduce((a, c) => a + c.findings.length, 0), checks };
  });
  const count = (s) => findingsBySeverity.find((g) => g.severity === s).checks.flatMap((c) => c.findings).filter((f) => !f.suppressed).length;
  const fig = (id, label, value, previous, better, context) => ({ id, label, value, previous, delta: value - previous, better, ...(context ? { context } : {}) });
  const quarters = ['2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3'];
  return {
    title: 'Network containment report', organisation: 'Fleet benchmark', period: { label: '2026-Q3', from: '2026-07-01', to: '2026-09-30' },
    previousPeriod: { label: '2026-Q2', from: '2026-04-01', to: '2026-06-30' }, generatedAt: '2026-10-01T06:00:00.000Z', generator: 'netpol-audit bench',
    clusters, overall: { score: 78.4, grade: 'C', previousScore: 75.1 },
    keyFigures: [
      fig('containment-score', 'Containment score', 78.4, 75.1, 'higher', 'of 100'),
      fig('namespaces-full-default-deny', 'Namespaces with full default-deny', 1200, 1100, 'higher', `of ${namespaceCount} namespaces`),
      fig('pods-isolated-ingress', 'Pods isolated on ingress', 81.2, 80, 'higher', '%'),
      fig('pods-isolated-egress', 'Pods isolated on egress', 60.1, 58, 'higher', '%'),
      fig('workloads-internet-exposed', 'Workloads exposed to the internet', count('critical'), 30, 'lower'),
      fig('unlabeled-pods', 'Unlabelled pods', 12, 20, 'lower'),
      fig('policies', 'Network policies', policies.length, policies.length - 400, 'neutral'),
      fig('findings-critical', 'Critical findings', count('critical'), 30, 'lower'),
      fig('findings-high', 'High findings', count('high'), 420, 'lower'),
      fig('findings-medium', 'Medium findings', count('medium'), 1200, 'lower'),
      fig('findings-low', 'Low findings', count('low'), 700, 'lower'),
      fig('exceptions-expiring', 'Exceptions expiring within 30 days', 2, 1, 'lower'),
    ],
    trends: [
      ['containment-score', 'Containment score', 'score'], ['findings-high-or-worse', 'High and critical findings', ''],
      ['pods-isolated-percent', 'Pods isolated (both directions)', '%'], ['namespaces-default-deny-percent', 'Namespaces with full default-deny', '%'], ['policies', 'Network policies', ''],
    ].map(([id, title, unit], k) => ({ id, title, unit, points: quarters.map((period, i) => ({ period, value: i === 3 ? null : unit === '' ? 1000 + i * 100 * (k + 1) : 50 + i * 4 })) })),
    clusterSections: sections, findingsBySeverity,
    findingsByControl: [{ control: 'CIS-5.3.2', label: 'CIS Kubernetes Benchmark 5.3.2', title: 'Ensure that all Namespaces have Network Policies defined', openFindings: count('high'), suppressedFindings: 0, checks: [{ check: 'default-deny-missing', title: CHECKS[0][1], passed: false, findings: count('high') }], status: 'failed' }],
    drift: { available: true, pathsOpened: 120, pathsClosed: 80, pathsChanged: 12, changes: [], newlyInternetExposed: [], newlyCrossNamespaceExposed: [], policyChanges: [], findingsNew: 300, findingsResolved: 250, findingsPersisting: 2000 },
    blastRadius: Array.from({ length: 20 }, (_, i) => ({ cluster: clusters[i % clusters.length], workload: `team-${String(i).padStart(4, '0')}-svc/api[Deployment]`, pods: 3, reaches: 500 - i, reachesNamespaces: 400 - i, reachedFrom: 100, reachedFromNamespaces: 50, internetIngress: i % 3 === 0, internetEgress: true, admitsFutureNamespaces: 1, score: 90 - i })),
    exceptions: [], signOff: {}, appendix: { policies }, missing: [],
  };
}

// ------------------------------------------------------------------------------------------ measure

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const time = async (fn) => {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: ms(t0), value };
};

const genT = await time(() => syntheticModel(NAMESPACES, CLUSTERS));
const model = genT.value;
const findings = model.findingsBySeverity.reduce((a, g) => a + g.count, 0);
const results = { namespaces: NAMESPACES, clusters: CLUSTERS, policies: model.appendix.policies.length, findings, modelMs: Math.round(genT.ms) };

const htmlTimes = [];
let html = '';
for (let i = 0; i < RUNS; i++) {
  const r = await time(() => renderReportHtml(model, { pageSize: PAGE_SIZE }));
  htmlTimes.push(r.ms);
  html = r.value;
}
results.htmlMs = Math.round(median(htmlTimes));
results.htmlFirstMs = Math.round(htmlTimes[0]);
results.htmlBytes = Buffer.byteLength(html);
results.emailMs = Math.round((await time(() => renderEmailBodies(model, { delivery: { kind: 'attached', fileName: 'report.pdf' } }))).ms);

const out = opt('keep', undefined) ?? mkdtempSync(path.join(os.tmpdir(), 'netpol-audit-bench-report-'));
const filesT = await time(() => writeReportFiles({ outputDir: path.join(out, 'files'), model }));
results.filesMs = Math.round(filesT.ms);
results.files = filesT.value.files.map((f) => `${path.basename(f.path)} ${f.bytes}`);

if (!flag('no-pdf')) {
  const printer = new PdfPrinter({ timeoutSeconds: 900 });
  try {
    const pdfTimes = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await time(() => writeReportFiles({ outputDir: path.join(out, `pdf-${i}`), model, pdf: { printer, pageSize: PAGE_SIZE } }));
      if (r.value.pdf.status !== 'written') throw r.value.pdf.error ?? new Error(r.value.pdf.status);
      pdfTimes.push(r.ms - 0);
    }
    // the first run includes launching Chromium; later runs reuse the browser
    results.pdfFirstMs = Math.round(pdfTimes[0]);
    results.pdfMs = Math.round(median(pdfTimes.slice(RUNS > 1 ? 1 : 0)));
    const pdfPath = path.join(out, 'pdf-0', 'report.pdf');
    results.pdfBytes = statSync(pdfPath).size;
    try {
      results.pdfPages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' }))?.[1]);
    } catch {
      results.pdfPages = null; // poppler-utils not installed
    }
    results.browserLaunches = printer.launches;
  } finally {
    await printer.close();
  }
}
results.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
if (!opt('keep', undefined)) rmSync(out, { recursive: true, force: true });

if (json) console.log(JSON.stringify(results));
else {
  const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
  console.log(`report benchmark: ${results.namespaces} namespaces in ${results.clusters} clusters, ${results.policies} policies, ${results.findings} findings (model ${results.modelMs} ms)`);
  console.log(`  HTML            ${results.htmlMs} ms median of ${RUNS} (first ${results.htmlFirstMs} ms), ${mb(results.htmlBytes)}`);
  console.log(`  email bodies    ${results.emailMs} ms`);
  console.log(`  HTML + exports  ${results.filesMs} ms (${results.files.join(', ')})`);
  if (results.pdfMs !== undefined) {
    console.log(`  PDF ${PAGE_SIZE.padEnd(6)}      ${results.pdfMs} ms median with a warm browser (first, with launch: ${results.pdfFirstMs} ms), ${results.pdfPages ?? '?'} pages, ${mb(results.pdfBytes)}, ${results.browserLaunches} browser launch(es)`);
  }
  console.log(`  peak RSS        ${results.peakRssMb} MB (this process; Chromium not included)`);
}
