import { describe, expect, it } from 'vitest';
import { analyseCluster, analysePolicies } from '../../../../src/core/engine/analyse-cluster.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../../../src/core/engine/engine-settings.js';
import { workloadConnectivity } from '../../../../src/core/engine/workload-connectivity.js';
import { DEFAULT_AUDIT_SETTINGS, type AuditSettings } from '../../../../src/core/findings/audit-settings.js';
import { runAudit, runBlockAudit, runPolicyAudit } from '../../../../src/core/findings/run-audit.js';
import { blockWorkloadConnectivity } from '../../../../src/core/engine/block-connectivity.js';
import { buildClusterModel } from '../../../../src/core/model/cluster-model.js';
import { buildReportModel, type AnalysedSnapshot, type ClusterPeriodData } from '../../../../src/core/report/build-report-model.js';
import { parsePeriod, previousPeriod, trailingPeriods } from '../../../../src/core/report/report-period.js';
import { netpol, ns, pod, snapshotOf } from '../../../support/cluster-fixture.js';

const settings: AuditSettings = {
  ...DEFAULT_AUDIT_SETTINGS,
  exceptions: [
    { check: 'default-deny-missing', namespace: 'ops', owner: 'platform', reason: 'batch jobs only', expires: '2026-10-15' },
    { check: 'pod-not-isolated', namespace: 'ops', owner: 'platform', reason: 'old', expires: '2026-06-30' },
  ],
};

function analysed(objects: unknown[], id: string, takenAt: string): AnalysedSnapshot {
  const { snapshot } = snapshotOf(objects, takenAt);
  const analysis = analyseCluster(buildClusterModel(snapshot).model, DEFAULT_ENGINE_SETTINGS);
  const audit = runAudit({ cluster: 'prod', takenAt, analysis, settings, today: '2026-10-02' });
  return { meta: { id, takenAt, contentHash: snapshot.contentHash, failures: [] }, snapshot, audit, connectivity: workloadConnectivity(analysis) };
}

const q2 = [ns('shop', { team: 'shop' }), ns('ops', { team: 'ops' }), pod('shop', 'web', { labels: { app: 'web' } }), pod('shop', 'db', { labels: { app: 'db' } }), pod('ops', 'job', { labels: { app: 'job' } })];
const q3 = [
  ...q2,
  netpol('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  netpol('shop', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] }),
  netpol('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] }),
];
const period = parsePeriod('2026-Q3');
const trend = trailingPeriods(period, 4);

function data(): ClusterPeriodData[] {
  const prev = analysed(q2, '1', '2026-06-30T00:00:00.000Z');
  const cur = analysed(q3, '2', '2026-09-30T00:00:00.000Z');
  return [
    { cluster: 'prod', current: cur, previous: prev, trend: trend.map((p, i) => ({ period: p, audit: i === 3 ? cur.audit : i === 2 ? prev.audit : null })) },
    { cluster: 'staging', missingReason: 'no snapshot in 2026-Q3; the last collection attempt failed: connection refused', trend: trend.map((p) => ({ period: p, audit: null })) },
  ];
}

const options = { period, previousPeriod: previousPeriod(period), generatedAt: '2026-10-02T06:00:00.000Z', generator: 'netpol-audit test', settings, today: '2026-10-02', topWorkloads: 5 };

describe('report model', () => {
  const model = buildReportModel(data(), options);

  it('states period, clusters and what is missing, without inventing numbers', () => {
    expect(model.title).toBe('Network containment audit 2026-Q3');
    expect(model.clusters).toEqual(['prod', 'staging']);
    expect(model.missing).toEqual([{ cluster: 'staging', kind: 'no-snapshot', reason: 'no snapshot in 2026-Q3; the last collection attempt failed: connection refused' }]);
    const staging = model.clusterSections.find((s) => s.cluster === 'staging')!;
    expect(staging).toMatchObject({ status: 'missing', pods: 0 });
    expect(staging.score).toBeUndefined();
  });

  it('keeps a cluster whose snapshot the engine stopped on apart from one without a snapshot, with the snapshot it refers to and its policy-level findings', () => {
    const reason = '30,000 pods fall into 25,000 pod classes, more than the cap of 20,000; ...';
    const { snapshot } = snapshotOf(q3, '2026-09-29T00:00:00.000Z');
    const policyAudit = runPolicyAudit({ cluster: 'pinned', takenAt: snapshot.takenAt, analysis: analysePolicies(buildClusterModel(snapshot).model), settings, today: '2026-10-02', stoppedBecause: reason });
    const unanalysed = { id: '9', takenAt: snapshot.takenAt, contentHash: 'ab'.repeat(32), reason, snapshot, policyAudit };
    const m = buildReportModel([...data(), { cluster: 'pinned', unanalysed, missingReason: unanalysed.reason, trend: trend.map((p) => ({ period: p, audit: null })) }], options);
    expect(m.missing.map((x) => [x.cluster, x.kind])).toEqual([
      ['staging', 'no-snapshot'],
      ['pinned', 'not-analysed'],
    ]);
    const pinned = m.clusterSections.find((s) => s.cluster === 'pinned')!;
    // counts come from the policies and pods; no score, no namespace rows (they need allow sets)
    expect(pinned).toMatchObject({ status: 'missing', missingKind: 'not-analysed', missingReason: reason, unanalysedSnapshot: { id: '9', takenAt: snapshot.takenAt, contentHash: unanalysed.contentHash }, namespaces: 2, workloads: 3, pods: 3, policies: 3, namespaceRows: [] });
    expect(pinned.score).toBeUndefined();
    // ops has no default-deny (suppressed by the exception, so not counted); shop has one
    expect(pinned.policyLevel!.findings.find((f) => f.check === 'default-deny-missing')).toMatchObject({ namespace: 'ops', suppressed: true });
    expect(pinned.findings.high).toBe(0);
    expect(pinned.policyLevel!.notRun.map((c) => c.check)).toEqual(expect.arrayContaining(['pod-not-isolated', 'workload-cross-namespace-exposed', 'policy-redundant']));
    expect(pinned.policyLevel!.notRun.map((c) => c.check)).not.toContain('default-deny-missing');
    // the fleet figures are those of prod alone, as without the cluster
    expect(m.overall.score).toBe(model.overall.score);
    expect(m.keyFigures).toEqual(model.keyFigures);
  });

  it('counts the policies of a cluster beyond the engine limits in the policy trend, and nothing else', () => {
    const { snapshot } = snapshotOf(q3, '2026-09-29T00:00:00.000Z');
    const policyAudit = runPolicyAudit({ cluster: 'pinned', takenAt: snapshot.takenAt, analysis: analysePolicies(buildClusterModel(snapshot).model), settings, today: '2026-10-02', stoppedBecause: 'beyond the cap' });
    const unanalysed = { id: '9', takenAt: snapshot.takenAt, contentHash: snapshot.contentHash, reason: 'beyond the cap', snapshot, policyAudit };
    // pinned was beyond the cap in the current period (2026-Q3) and in 2026-Q1, and had no snapshot otherwise
    const pinned: ClusterPeriodData = {
      cluster: 'pinned',
      unanalysed,
      missingReason: unanalysed.reason,
      trend: trend.map((p, i) => ({ period: p, audit: null, ...(i === 3 || i === 1 ? { policyAudit } : {}) })),
    };
    const m = buildReportModel([...data(), pinned], options);
    const points = (id: string, mm = m) => mm.trends.find((t) => t.id === id)!.points.map((p) => p.value);
    // prod has 3 policies in 2026-Q3 and none in 2026-Q2; pinned's 3 count where it was stored
    expect(points('policies', model)).toEqual([null, null, 0, 3]);
    expect(points('policies')).toEqual([null, 3, 0, 6]);
    // figures over allow sets stay prod's alone, with gaps where only pinned has a snapshot
    expect(points('containment-score')).toEqual(points('containment-score', model));
    expect(points('findings-high-or-worse')).toEqual(points('findings-high-or-worse', model));
  });

  it('compares a cluster beyond the engine limits at policy level in the drift section, and says so', () => {
    const reason = 'beyond the cap';
    const unanalysedOf = (objects: unknown[], id: string, takenAt: string) => {
      const { snapshot } = snapshotOf(objects, takenAt);
      const policyAudit = runPolicyAudit({ cluster: 'pinned', takenAt, analysis: analysePolicies(buildClusterModel(snapshot).model), settings, today: '2026-10-02', stoppedBecause: reason });
      return { id, takenAt, contentHash: snapshot.contentHash, reason, snapshot, policyAudit };
    };
    const pinned: ClusterPeriodData = {
      cluster: 'pinned',
      unanalysed: unanalysedOf(q3, '11', '2026-09-30T00:00:00.000Z'),
      previousUnanalysed: unanalysedOf(q2, '10', '2026-06-30T00:00:00.000Z'),
      missingReason: reason,
      trend: trend.map((p) => ({ period: p, audit: null })),
    };
    const m = buildReportModel([...data(), pinned], options);
    expect(m.drift.available).toBe(true);
    expect(m.drift.note).toContain("For pinned a snapshot is beyond the engine's limits: connections and exposure were not compared");
    expect(m.drift.policyChanges.filter((p) => p.cluster === 'pinned').map((p) => `${p.change} ${p.policy}`)).toEqual(['added NetworkPolicy shop/db', 'added NetworkPolicy shop/deny', 'added NetworkPolicy shop/dns']);
    // prod's connection changes are as without pinned; pinned adds none (they were not computed)
    expect(m.drift.changes).toEqual(model.drift.changes);
    expect(m.drift.pathsOpened).toBe(model.drift.pathsOpened);
    // pinned's resolved findings are policy-level ones only (shop got its default-deny)
    expect(m.drift.findingsResolved).toBeGreaterThan(model.drift.findingsResolved);
    // its policy-level findings are marked against the previous period's policy-level findings
    const section = m.clusterSections.find((c) => c.cluster === 'pinned')!;
    const statuses = section.policyLevel!.findings.map((f) => `${f.status} ${f.check} ${f.namespace ?? ''}`);
    expect(statuses).toContain('persisting default-deny-missing ops');
    expect(statuses.every((s) => s.startsWith('new ') || s.startsWith('persisting '))).toBe(true);
  });

  it('marks findings against a previous period beyond the engine limits only for the checks that ran then', () => {
    const { snapshot } = snapshotOf(q2, '2026-06-30T00:00:00.000Z');
    const policyAudit = runPolicyAudit({ cluster: 'prod', takenAt: snapshot.takenAt, analysis: analysePolicies(buildClusterModel(snapshot).model), settings, today: '2026-10-02', stoppedBecause: 'beyond the cap' });
    const [prod, staging] = data();
    const { previous: _, ...current } = prod!;
    const m = buildReportModel([{ ...current, previousUnanalysed: { id: '1', takenAt: snapshot.takenAt, contentHash: snapshot.contentHash, reason: 'beyond the cap', snapshot, policyAudit } }, staging!], options);
    const findings = (mm: typeof m) => mm.findingsBySeverity.flatMap((g) => g.checks.flatMap((c) => c.findings));
    const byCheck = (check: string) => findings(m).filter((f) => f.check === check).map((f) => `${f.namespace} ${f.status}`);
    expect(byCheck('default-deny-missing')).toEqual(['ops persisting']);
    // pod-not-isolated needs allow sets: it did not run on the previous snapshot, so its findings get no status
    expect(byCheck('pod-not-isolated').length).toBeGreaterThan(0);
    expect(byCheck('pod-not-isolated').every((s) => s.endsWith(' undefined'))).toBe(true);
    // with the previous period analysed, the same finding is marked as before
    expect(findings(model).filter((f) => f.check === 'default-deny-missing').map((f) => f.status)).toEqual(['persisting']);
  });

  it('shows a cluster beyond the engine limits analysed from reach blocks like an analysed one, says what did not run, and compares its exposure but not its connections', () => {
    const fromBlocks = (objects: unknown[], id: string, takenAt: string): AnalysedSnapshot => {
      const { snapshot } = snapshotOf(objects, takenAt);
      const audit = runBlockAudit({ cluster: 'prod', takenAt, analysis: analysePolicies(buildClusterModel(snapshot).model), settings, today: '2026-10-02', stoppedBecause: 'beyond the cap' });
      return { meta: { id, takenAt, contentHash: snapshot.contentHash, failures: [] }, snapshot, audit };
    };
    const [prod, staging] = data();
    const cur = fromBlocks(q3, '2', '2026-09-30T00:00:00.000Z');
    const m = buildReportModel([{ ...prod!, current: cur, trend: prod!.trend.map((t, i) => (i === 3 ? { ...t, audit: cur.audit } : t)) }, staging!], options);
    const section = m.clusterSections.find((c) => c.cluster === 'prod')!;
    const complete = model.clusterSections.find((c) => c.cluster === 'prod')!;
    expect(section).toMatchObject({ status: 'ok', fromBlocks: { reason: 'beyond the cap', notRun: [{ check: 'policy-redundant', title: expect.any(String) }], connectionsListed: false } });
    expect(complete.fromBlocks).toBeUndefined();
    // the figures are the complete audit's; the findings too, but for redundancy's (here one low in shop)
    expect(section.score).toBe(complete.score);
    const withoutFindings = <T extends { findings: unknown }>({ findings: _, ...rest }: T) => rest;
    expect(section.namespaceRows.map(withoutFindings)).toEqual(complete.namespaceRows.map(withoutFindings));
    const redundant = prod!.current!.audit.findings.filter((f) => f.check === 'policy-redundant');
    expect(redundant.map((f) => `${f.severity} ${f.namespace}`)).toEqual(['low shop']);
    expect(section.findings).toEqual({ ...complete.findings, low: complete.findings.low - 1 });
    const figures = (mm: typeof m) => mm.keyFigures.filter((f) => f.id !== 'findings-low');
    expect(figures(m)).toEqual(figures(model));
    expect(m.missing).toEqual(model.missing);
    // the drift compares exposure, policies and findings, not connections, and says so
    expect(m.drift.note).toContain('For prod a snapshot is beyond the engine\'s limits and was analysed from reach blocks, its connections too many to list: connections were not compared');
    expect(m.drift).toMatchObject({ pathsOpened: 0, pathsClosed: 0, pathsChanged: 0, changes: [] });
    expect(model.drift.pathsOpened + model.drift.pathsClosed + model.drift.pathsChanged).toBeGreaterThan(0);
    expect(m.drift.newlyInternetExposed).toEqual(model.drift.newlyInternetExposed);
    expect(m.drift.newlyCrossNamespaceExposed).toEqual(model.drift.newlyCrossNamespaceExposed);
    expect(m.drift.policyChanges).toEqual(model.drift.policyChanges);
    // redundancy's new finding is not compared (it did not run on the current snapshot)
    expect([m.drift.findingsNew, m.drift.findingsResolved, m.drift.findingsPersisting]).toEqual([model.drift.findingsNew - 1, model.drift.findingsResolved, model.drift.findingsPersisting]);
    // redundancy did not run on prod: its control does not pass
    const pci = m.findingsByControl.find((c) => c.checks.some((x) => x.check === 'policy-redundant'))!;
    expect(pci.checks.find((x) => x.check === 'policy-redundant')).toMatchObject({ passed: false, findings: 0, notRunIn: ['prod'] });
    expect(pci.status).toBe(pci.openFindings ? 'failed' : 'incomplete');
    const pciComplete = model.findingsByControl.find((c) => c.control === pci.control)!;
    expect(pciComplete.checks.find((x) => x.check === 'policy-redundant')).toMatchObject({ passed: false, findings: 1, notRunIn: [] });
  });

  it('compares the connections of a cluster analysed from reach blocks when its listing is given', () => {
    const { snapshot } = snapshotOf(q3, '2026-09-30T00:00:00.000Z');
    const base = analysePolicies(buildClusterModel(snapshot).model);
    const audit = runBlockAudit({ cluster: 'prod', takenAt: snapshot.takenAt, analysis: base, settings, today: '2026-10-02', stoppedBecause: 'beyond the cap' });
    const cur: AnalysedSnapshot = { meta: { id: '2', takenAt: snapshot.takenAt, contentHash: snapshot.contentHash, failures: [] }, snapshot, audit, connectivity: blockWorkloadConnectivity(base) };
    const [prod, staging] = data();
    const m = buildReportModel([{ ...prod!, current: cur }, staging!], options);
    expect(m.drift.note).toContain('For prod a snapshot is beyond the engine\'s limits and was analysed from reach blocks: connections, exposure, policy changes and the findings of every check that ran on both snapshots were compared.');
    expect(m.clusterSections.find((x) => x.cluster === 'prod')!.fromBlocks?.connectionsListed).toBe(true);
    expect(m.drift.changes).toEqual(model.drift.changes);
    expect([m.drift.pathsOpened, m.drift.pathsClosed, m.drift.pathsChanged]).toEqual([model.drift.pathsOpened, model.drift.pathsClosed, model.drift.pathsChanged]);
    expect(m.drift.newlyCrossNamespaceExposed).toEqual(model.drift.newlyCrossNamespaceExposed);
  });

  it('marks findings against a previous period analysed from reach blocks, except those of the checks that did not run then', () => {
    // two copies of one policy: each is redundant given the other
    const copies = [...q3, netpol('shop', 'db-again', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] })];
    const { snapshot } = snapshotOf(copies, '2026-06-30T00:00:00.000Z');
    const audit = runBlockAudit({ cluster: 'prod', takenAt: snapshot.takenAt, analysis: analysePolicies(buildClusterModel(snapshot).model), settings, today: '2026-10-02', stoppedBecause: 'beyond the cap' });
    const previous: AnalysedSnapshot = { meta: { id: '1', takenAt: snapshot.takenAt, contentHash: snapshot.contentHash, failures: [] }, snapshot, audit };
    const current = analysed(copies, '2', '2026-09-30T00:00:00.000Z');
    const m = buildReportModel([{ cluster: 'prod', current, previous, trend: trend.map((p) => ({ period: p, audit: null })) }], options);
    const findings = m.findingsBySeverity.flatMap((g) => g.checks.flatMap((c) => c.findings));
    const statuses = (check: string) => findings.filter((f) => f.check === check).map((f) => f.status);
    expect(statuses('policy-redundant').length).toBeGreaterThan(0);
    expect(statuses('policy-redundant').every((x) => x === undefined)).toBe(true);
    // a check over allow sets ran then: its findings are compared
    expect(statuses('pod-not-isolated').length).toBeGreaterThan(0);
    expect(statuses('pod-not-isolated').every((x) => x === 'persisting')).toBe(true);
  });

  it('compares key figures with the previous period', () => {
    const fig = Object.fromEntries(model.keyFigures.map((f) => [f.id, f]));
    expect(fig['namespaces-full-default-deny']).toMatchObject({ value: 1, previous: 0, delta: 1, better: 'higher', context: 'of 2 namespaces' });
    expect(fig['policies']).toMatchObject({ value: 3, previous: 0 });
    expect(fig['pods-isolated-ingress']!.value).toBeCloseTo(66.7, 1);
    expect(fig['containment-score']!.delta).toBeGreaterThan(0);
    expect(model.overall.score).toBe(fig['containment-score']!.value);
  });

  it('has trends over the trend periods with gaps where no snapshot exists', () => {
    const score = model.trends.find((t) => t.id === 'containment-score')!;
    expect(score.points.map((p) => p.period)).toEqual(['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3']);
    expect(score.points.map((p) => p.value === null)).toEqual([true, true, false, false]);
  });

  it('groups findings by severity (with remediation) and by control, marking new and persisting', () => {
    const high = model.findingsBySeverity.find((g) => g.severity === 'high')!;
    const ddm = high.checks.find((c) => c.check === 'default-deny-missing')!;
    expect(ddm.remediation).toMatch(/podSelector: \{\}/);
    expect(ddm.snippet).toMatch(/kind: NetworkPolicy/);
    expect(ddm.findings.map((f) => [f.namespace, f.suppressed, f.status])).toEqual([['ops', true, 'persisting']]);
    const cis = model.findingsByControl.find((c) => c.control === 'CIS-5.3.2')!;
    expect(cis.status).toBe('failed');
    expect(cis.checks.find((c) => c.check === 'default-deny-missing')).toMatchObject({ passed: true });
  });

  it('shows drift since the previous period', () => {
    expect(model.drift.available).toBe(true);
    expect(model.drift.pathsClosed).toBeGreaterThan(0);
    expect(model.drift.policyChanges.map((p) => `${p.change} ${p.policy}`)).toEqual(['added NetworkPolicy shop/db', 'added NetworkPolicy shop/deny', 'added NetworkPolicy shop/dns']);
    expect(model.drift.findingsResolved).toBeGreaterThan(0);
    expect(model.drift.note).toMatch(/covers prod/);
  });

  it('lists exceptions with status and what they suppress, blast radius and the policy appendix', () => {
    expect(model.exceptions.map((e) => [e.status, e.daysLeft, e.suppresses])).toEqual([['expiring', 13, 1], ['expired', -94, 0]]);
    // ranked by how many workloads each can open connections to (what a compromise of it reaches)
    expect(model.blastRadius.map((r) => [r.workload, r.reaches, r.reachedFrom, r.internetIngress])).toEqual([
      ['shop/db[Pod]', 1, 0, false],
      ['shop/web[Pod]', 1, 0, false],
      ['ops/job[Pod]', 0, 2, true],
    ]);
    expect(model.appendix.policies.map((p) => [p.name, p.selects, p.podsSelected, p.directions])).toEqual([
      ['db', 'app=db', 1, 'Ingress'],
      ['deny', '{}', 2, 'Ingress, Egress'],
      ['dns', '{}', 2, 'Egress'],
    ]);
  });

  it('limits everything to a namespace scope for a channel', () => {
    const scoped = buildReportModel(data(), { ...options, scope: { matches: (n) => n === 'shop', description: 'namespaces shop' } });
    expect(scoped.namespaceScope).toBe('namespaces shop');
    const prod = scoped.clusterSections.find((s) => s.cluster === 'prod')!;
    expect(prod.namespaceRows.map((r) => r.namespace)).toEqual(['shop']);
    expect(scoped.findingsBySeverity.flatMap((g) => g.checks.flatMap((c) => c.findings.map((f) => f.namespace)))).not.toContain('ops');
    expect(scoped.keyFigures.find((f) => f.id === 'namespaces-full-default-deny')).toMatchObject({ value: 1, context: 'of 1 namespaces' });
  });
});
