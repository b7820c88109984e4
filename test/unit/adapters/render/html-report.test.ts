import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TEMPLATES_DIR,
  deltaClass,
  formatDate,
  formatDateRange,
  formatDateTime,
  formatDelta,
  formatNumber,
  renderEmailBodies,
  renderReportHtml,
  reportTitle,
  breakableHtml,
} from '../../../../src/adapters/render/html-report.js';
import type { ReportModel } from '../../../../src/core/report/report-model.js';
import {
  CLUSTER_MISSING,
  CLUSTER_OK,
  HOSTILE_NAMESPACE,
  HOSTILE_TEXT,
  LONG_NAMESPACE,
  sampleReportModel,
} from '../../../fixtures/report/sample-report-model.js';

const model = sampleReportModel();
const raw = renderReportHtml(model, { exportFiles: ['findings.csv', 'findings.json', 'connectivity-prod-eu-1.csv'] });
/** The document without the <wbr> break opportunities long values carry, for checking text. */
const html = raw.replace(/<wbr>/g, '');

function section(id: string, doc = html): string {
  const start = doc.indexOf(`id="${id}"`);
  expect(start, `section ${id}`).toBeGreaterThan(0);
  const next = doc.indexOf('<section', start);
  return doc.slice(start, next < 0 ? undefined : next);
}

describe('report HTML', () => {
  it('renders every section', () => {
    for (const id of ['summary', 'trends', 'clusters', 'findings', 'controls', 'drift', 'blast-radius', 'exceptions', 'sign-off', 'appendix']) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html.match(/<section class="major"/g)).toHaveLength(9);
  });

  it('shows on page one the period, clusters, generated time, score, grade and key figures with their change', () => {
    const one = section('summary');
    expect(one).toContain('2026-Q3');
    expect(one).toContain('1 Jul – 30 Sep 2026');
    expect(one).toContain(CLUSTER_OK);
    expect(one).toContain(CLUSTER_MISSING);
    expect(one).toContain('1 Oct 2026 06:00 UTC');
    expect(one).toContain('>81.3<');
    expect(one).toContain('>Grade B<');
    expect(one).toContain('Northwind Payments Ltd');
    expect(one.match(/class="figure /g)).toHaveLength(model.keyFigures.length);
    // improvement and regression coloured by direction: score up is good, exposure up is bad
    expect(one).toMatch(/data-figure="containment-score"[\s\S]*?class="delta improved"[^>]*>▲ \+4\.4</);
    expect(one).toMatch(/data-figure="workloads-internet-exposed"[\s\S]*?class="delta regressed"[^>]*>▲ \+1</);
    expect(one).toMatch(/data-figure="pods-isolated-ingress"[\s\S]*?class="delta regressed"[^>]*>▼ −1\.6 pts</);
    expect(one).toMatch(/data-figure="policies"[\s\S]*?class="delta neutral"/);
    expect(one).toMatch(/data-figure="findings-low"[\s\S]*?no previous value/);
    expect(one).toContain('Containment improved from 76.9 to 81.3 (grade B).');
  });

  it('says a cluster has no data and shows no numbers for it', () => {
    expect(section('summary')).toMatch(/class="notice missing-data"[\s\S]*prod-us-1<\/strong>: no snapshot between 2026-07-01 and 2026-09-30/);
    const clusters = section('clusters');
    const missing = clusters.slice(clusters.indexOf(`id="cluster-${CLUSTER_MISSING}"`));
    expect(missing).toContain('No snapshot for 2026-Q3.');
    expect(missing).toContain('none are estimated');
    expect(missing).not.toContain('class="stats"');
    expect(missing).not.toContain('<table');
  });

  it('shows a cluster analysed from reach blocks with its figures, what did not run, and a control left incomplete', () => {
    const ok = model.clusterSections.find((c) => c.status === 'ok')!;
    const fromBlocks = { reason: '100,007 pods fall into 100,008 pod classes, more than the cap of 20,000.', notRun: [{ check: 'policy-redundant', title: 'Redundant policy' }], connectionsListed: false };
    const control = { ...model.findingsByControl[0]!, status: 'incomplete' as const, openFindings: 0, checks: [{ check: 'policy-redundant', title: 'Redundant policy', passed: false, findings: 0, notRunIn: [ok.cluster] }] };
    const out = renderReportHtml(sampleReportModel({ clusterSections: model.clusterSections.map((c) => (c === ok ? { ...c, fromBlocks } : c)), findingsByControl: [control] }));
    const card = out.slice(out.indexOf(`id="cluster-${ok.cluster}"`)).split('class="card cluster"')[0]!;
    expect(card).toContain('<strong>Analysed from reach blocks.</strong> 100,007 pods fall into 100,008 pod classes');
    expect(card).toContain('these checks did not run (they need the complete analysis): Redundant policy (<span class="mono">policy-redundant</span>)');
    // its grade and figures are shown: it is not missing
    expect(card).toMatch(/<span class="grade grade-[A-F]">/);
    expect(card).toContain('class="stats"');
    expect(out).toContain('beyond the engine&#x27;s limits and was analysed from reach blocks (section 3)');
    expect(out).toMatch(/<span class="badge incomplete">not run<\/span> Redundant policy <code>policy-redundant<\/code> <span class="muted">\(not run for [^)]+\)<\/span>/);
    expect(out).toMatch(/<span class="badge incomplete">incomplete<\/span>/);
    expect(card).toContain('Its connections between workloads are too many to list: no connectivity export');
    const listed = renderReportHtml(sampleReportModel({ clusterSections: model.clusterSections.map((c) => (c === ok ? { ...c, fromBlocks: { ...fromBlocks, connectionsListed: true } } : c)) }));
    expect(listed).toContain('Its connections between workloads were listed from the reach blocks too');
    expect(listed).not.toContain('too many to list');
    expect(renderReportHtml(model)).not.toContain('Analysed from reach blocks');
  });

  it('writes nothing invented when no cluster has data', () => {
    const empty: ReportModel = sampleReportModel({
      overall: { score: null, grade: null, previousScore: 70 },
      keyFigures: model.keyFigures.map((f) => ({ ...f, value: null, delta: null })),
      clusterSections: model.clusterSections.map((s) => ({ cluster: s.cluster, status: 'missing' as const, missingReason: 'no snapshot', namespaces: 0, workloads: 0, pods: 0, policies: 0, findings: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, namespaceRows: [] })),
      missing: model.clusters.map((cluster) => ({ cluster, kind: 'no-snapshot' as const, reason: 'no snapshot' })),
      findingsBySeverity: [],
      appendix: { policies: [] },
      blastRadius: [],
      drift: { ...model.drift, available: false, note: 'No earlier snapshot to compare with.' },
    });
    const out = renderReportHtml(empty);
    expect(out).toContain('No cluster has an analysed snapshot for 2026-Q3');
    expect(out).toContain('Containment score: no data for the period');
    expect(out.match(/class="value no-data">No data</g)).toHaveLength(model.keyFigures.length);
    expect(out).toContain('No earlier snapshot to compare with.');
    expect(out).not.toMatch(/NaN|undefined|\[object Object\]/);
  });

  it('escapes every cluster-derived value: no live tag from the model', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>tags</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;quotes&quot; &amp; &lt;b&gt;tags&lt;/b&gt;');
    // in attributes too: data-* and ids carry no raw value
    expect(html).not.toMatch(/="[^"]*<script/);
    // the YAML snippet placeholder is text
    expect(html).toContain('namespace: &lt;namespace&gt;');
    // the only tags in the document are the ones the templates and charts write
    expect(raw).not.toMatch(/<script/i);
    const tags = new Set([...raw.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    const allowed = ['wbr', 'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'section', 'header', 'footer', 'div', 'span', 'h1', 'h2', 'h3', 'h4', 'p', 'strong', 'em', 'br', 'ul', 'li', 'table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'dl', 'dt', 'dd', 'code', 'pre', 'svg', 'g', 'line', 'text', 'polyline', 'circle', 'rect', 'path'];
    expect([...tags].filter((t) => !allowed.includes(t))).toEqual([]);
  });

  it('never uses triple-stash or unescaped output in the templates', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const templates = files(DEFAULT_TEMPLATES_DIR).filter((f) => f.endsWith('.hbs'));
    expect(templates.length).toBeGreaterThan(10);
    for (const f of templates) {
      const src = readFileSync(f, 'utf8');
      expect(src, f).not.toContain('{{{');
      expect(src, f).not.toMatch(/\{\{&/);
    }
  });

  it('is self-contained: no remote resource, no stylesheet link, no script', () => {
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<(img|iframe|object|embed|script)\b/i);
    // the CSS is inlined, and a CSP forbids loading anything should a value ever slip through
    expect(html).toContain('break-before: page');
    expect(html).toContain("default-src 'none'");
  });

  it('prints well: page breaks before major sections, repeated table headers, unsplit rows and cards', () => {
    const css = readFileSync(path.join(DEFAULT_TEMPLATES_DIR, 'styles', 'report.css'), 'utf8');
    expect(css).toMatch(/@media print[\s\S]*section\.major \{ break-before: page;/);
    expect(css).toContain('thead { display: table-header-group; }');
    expect(css).toContain('tr { break-inside: avoid;');
    expect(css).toMatch(/\.card\.compact, \.figure, \.chart-card, \.notice \{ break-inside: avoid;/);
    expect(html).toContain('@page { size: A4;');
    expect(renderReportHtml(model, { pageSize: 'Letter' })).toContain('@page { size: Letter;');
  });

  it('formats numbers, dates and percentages', () => {
    const clusters = section('clusters');
    expect(clusters).toContain('<td class="num">66.7%</td>');
    expect(clusters).toContain('<td class="num">57.9%</td>');
    expect(html).toContain('31 Mar 2027');
    expect(html).toContain('30 Sep 2026 23:00 UTC');
    const big = renderReportHtml(sampleReportModel({ clusterSections: [{ ...model.clusterSections[0]!, pods: 123456 }] }));
    expect(big).toContain('>123,456<');
  });

  it('lists findings by severity with rationale, remediation and YAML snippet; suppressed ones with their exception', () => {
    const findings = section('findings');
    for (const s of ['critical', 'high', 'medium', 'low', 'info']) expect(findings).toContain(`id="severity-${s}"`);
    expect(findings).toContain('data-check="default-deny-missing"');
    expect(findings).toContain('<code>podSelector: {}</code>');
    expect(findings).toContain('<pre class="snippet"><code>apiVersion: networking.k8s.io/v1');
    expect(findings).toMatch(/kube-proxy needs the host network by design — platform-team@example.com, expires 31 Mar 2027/);
    expect(findings).toContain('<span class="badge new">new</span>');
  });

  it('caps long finding lists and points to findings.csv', () => {
    const out = renderReportHtml(model, { maxFindingsPerCheck: 2 });
    expect(out).toContain('3 more findings of this check are not listed here; findings.csv and findings.json');
  });

  it('renders controls, drift, blast radius, exceptions, sign-off and the appendix', () => {
    expect(section('controls')).toContain('CIS Kubernetes Benchmark 5.3.2');
    expect(section('controls')).toContain('<span class="badge passed">passed</span>');
    expect(section('drift')).toContain('NetworkPolicy shop/allow-web-to-cart');
    expect(section('drift')).toContain('spec.priority: 20 -&gt; 10');
    expect(section('blast-radius')).toContain('monitoring/prometheus[StatefulSet]');
    const ex = section('exceptions');
    for (const s of ['active', 'expiring', 'expired']) expect(ex).toContain(`<span class="badge ${s}">${s}</span>`);
    expect(ex).toContain('expired 31 days ago');
    expect(section('sign-off')).toContain('A. Auditor');
    expect(section('sign-off')).toMatch(/<strong>prod-eu-1<\/strong> and <strong>prod-us-1<\/strong>/);
    const appendix = section('appendix');
    expect(appendix.match(/<tr><td class="cluster">prod-eu-1<\/td><td>(NP|ANP|BANP)</g)).toHaveLength(model.appendix.policies.length);
    expect(appendix).toContain('sha256:7d865e959b2466918c9863afca942d0fb89d7c9ac0c99bafc3749504ded97730');
    expect(appendix).toContain('<code>connectivity-prod-eu-1.csv</code>');
  });

  it('shows a channel scope when the report is limited to some namespaces', () => {
    const out = renderReportHtml(sampleReportModel({ namespaceScope: 'namespaces labelled team=payments' }));
    expect(out).toMatch(/<th>Scope<\/th><td>namespaces labelled team&#x3D;payments<\/td>/);
  });

  it('glues a percent context to the value and keeps the words after it', () => {
    const out = renderReportHtml(sampleReportModel({ keyFigures: [{ id: 'pods-isolated-ingress', label: 'Pods isolated for ingress', value: 66.7, context: '% of 3 pods', previous: 50, delta: 16.7, better: 'higher' }] }));
    expect(out).toContain('<div class="value">66.7% <span class="context">of 3 pods</span></div>');
    expect(out).toContain('▲ +16.7 pts</span>');
    expect(out).toContain('was 50%');
  });

  it('shows a title that already names the period without repeating it', () => {
    const out = renderReportHtml(sampleReportModel({ title: 'Network containment audit 2026-Q3' }));
    expect(out).toContain('<title>Network containment audit 2026-Q3 · Northwind Payments Ltd</title>');
    expect(out).toContain('<h1>Network containment audit</h1>');
    expect(out).not.toContain('2026-Q3 2026-Q3');
    expect(reportTitle({ title: '2026-Q3', period: model.period })).toBe('Network containment report');
  });

  it('gives long values places to wrap without breaking their escaping', () => {
    const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(breakableHtml('shop/web[Deployment]', esc)).toBe('shop/<wbr>web[<wbr>Deployment]');
    expect(breakableHtml('<script>alert(1)</script>', esc)).toBe('&lt;script&gt;aler<wbr>t(1)&lt;/<wbr>script&gt;');
    expect(breakableHtml('a & b', esc)).toBe('a &amp; b');
    expect(breakableHtml('x'.repeat(30), esc)).toBe(`${'x'.repeat(12)}<wbr>${'x'.repeat(12)}<wbr>${'x'.repeat(6)}`);
    expect(raw).toContain(`<td class="mono ns">${LONG_NAMESPACE.slice(0, 12)}<wbr>`);
  });

  it('has no leftover template artefacts', () => {
    expect(html).not.toMatch(/NaN|undefined|\[object Object\]|\{\{|\}\}/);
  });
});

describe('email bodies', () => {
  const bodies = renderEmailBodies(model, { delivery: { kind: 'attached', fileName: 'report-2026-Q3.pdf' }, channel: 'security' });

  it('summarise page one in HTML and plain text', () => {
    for (const body of [bodies.html, bodies.text]) {
      expect(body).toContain('2026-Q3');
      expect(body).toContain('81.3');
      expect(body).toContain('prod-eu-1');
      expect(body).toContain('prod-us-1');
      expect(body).toContain('report-2026-Q3.pdf');
      expect(body).toContain('security');
    }
    expect(bodies.text).toContain('Containment score: 81.3 / 100, grade B (+4.4 vs 76.9 in 2026-Q2)');
    expect(bodies.text).toContain('  - Pods isolated on ingress: 86.4% [−1.6 pts, regression]');
    expect(bodies.text).toContain('  - prod-us-1: NO DATA');
    expect(bodies.text).toMatch(/\n-- \nSent by netpol-audit/);
    expect(bodies.html).toContain('color:#15803d;">▲ +4.4');
  });

  it('are self-contained and escape cluster values in HTML; the text stays plain', () => {
    const hostile = sampleReportModel({ clusters: [HOSTILE_NAMESPACE, CLUSTER_OK], missing: [{ cluster: HOSTILE_NAMESPACE, kind: 'no-snapshot', reason: HOSTILE_TEXT }] });
    const b = renderEmailBodies(hostile, { delivery: { kind: 'stored', location: '/reports/2026-Q3/report.pdf', reason: 'too-large' } });
    expect(b.html).not.toMatch(/<script/i);
    expect(b.html).toContain('&lt;script&gt;');
    expect(b.html).toContain('&quot;quotes&quot; &amp; &lt;b&gt;tags&lt;/b&gt;');
    expect(b.html).not.toMatch(/<(img|link|script)\b|src=/i);
    expect(b.text).toContain(HOSTILE_NAMESPACE);
    expect(b.text).not.toContain('&amp;');
    expect(b.text).toContain('too large to attach; it is kept at /reports/2026-Q3/report.pdf');
  });

  it('put a link in place of the attachment', () => {
    const b = renderEmailBodies(model, { delivery: { kind: 'link', url: 'https://reports.example.com/2026-Q3/report.pdf', reason: 'too-large' } });
    expect(b.html).toContain('href="https://reports.example.com/2026-Q3/report.pdf"');
    expect(b.html).toContain('too large to attach');
    expect(b.text).toContain('Read it at https://reports.example.com/2026-Q3/report.pdf');
  });
});

describe('formatting helpers', () => {
  it('formats numbers independent of the locale', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(81.34)).toBe('81.3');
    expect(formatNumber(-2)).toBe('−2');
    expect(formatNumber(-0.04)).toBe('0');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
  });
  it('formats dates in UTC', () => {
    expect(formatDate('2026-07-01')).toBe('1 Jul 2026');
    expect(formatDate('2026-09-30T23:59:59.000Z')).toBe('30 Sep 2026');
    expect(formatDateTime('2026-10-01T06:00:12.000Z')).toBe('1 Oct 2026 06:00 UTC');
    expect(formatDateRange('2026-07-01', '2026-09-30')).toBe('1 Jul – 30 Sep 2026');
    expect(formatDateRange('2025-12-01', '2026-02-28')).toBe('1 Dec 2025 – 28 Feb 2026');
    expect(formatDate('not a date')).toBe('not a date');
  });
  it('formats deltas with sign, percentage points, and judges them by direction', () => {
    expect(formatDelta(4.44)).toBe('+4.4');
    expect(formatDelta(-1.6, '%')).toBe('−1.6 pts');
    expect(formatDelta(0.01)).toBe('±0');
    expect(formatDelta(null)).toBe('—');
    expect(formatDelta(66.7, '% of 3 pods')).toBe('+66.7 pts');
    expect(deltaClass({ delta: 2, better: 'higher' })).toBe('improved');
    expect(deltaClass({ delta: 2, better: 'lower' })).toBe('regressed');
    expect(deltaClass({ delta: -2, better: 'lower' })).toBe('improved');
    expect(deltaClass({ delta: 2, better: 'neutral' })).toBe('neutral');
    expect(deltaClass({ delta: 0, better: 'higher' })).toBe('unchanged');
    expect(deltaClass({ delta: null, better: 'higher' })).toBe('na');
  });
});
