/**
 * Builds the report view model (report-model.ts) from analysed snapshots: one per cluster for the period
 * (its newest snapshot in the period), the previous period's for comparison and drift, and per-period
 * figures for the trends. Pure: the caller loads history and passes the clock.
 */
import { coverageView, driftBetween, type AnyDriftSide } from '../diff/drift.js';
import { formatFieldChange } from '../diff/object-diff.js';
import type { AuditSettings } from '../findings/audit-settings.js';
import { CHECKS, findCheck } from '../findings/check-registry.js';
import { CONTROLS, CONTROL_IDS, controlLabel } from '../findings/controls.js';
import { daysLeft, isExpired } from '../findings/exceptions.js';
import type { Finding } from '../findings/finding.js';
import { isBlockAudit, type AllowSetAuditResult, type PolicyAuditResult } from '../findings/run-audit.js';
import { SEVERITIES, severityRank, type Severity } from '../findings/severity.js';
import type { WorkloadConnectivity } from '../engine/workload-connectivity.js';
import { formatConnectionSet } from '../model/connection-set.js';
import { describeSelector } from '../model/label-selector.js';
import type { Snapshot } from '../model/snapshot.js';
import type {
  BlastRadiusRow,
  CheckGroup,
  ClusterSection,
  ConnectionChangeView,
  ControlGroup,
  DriftSection,
  ExceptionView,
  FindingView,
  KeyFigure,
  NamespaceRow,
  PolicyAppendixRow,
  PolicyChangeView,
  PolicyLevelSection,
  ReportModel,
  ReportPeriod,
  SeverityGroup,
  TrendSeries,
} from './report-model.js';
import { combineFigures, grade, inScope, percent, policyLevelFigures, scopedFigures, scopedFindings, type NamespaceScope, type ScopedFigures } from './scoped-figures.js';

export interface AnalysedSnapshot {
  readonly meta: { readonly id: string; readonly takenAt: string; readonly contentHash: string; readonly serverVersion?: string; readonly failures: readonly string[] };
  readonly snapshot: Snapshot;
  /**
   * Complete, or — for a snapshot beyond the engine's limits — from reach blocks: the same figures and
   * findings, with the checks that need the complete analysis named as not run (BlockAuditResult.notRun).
   */
  readonly audit: AllowSetAuditResult;
  /**
   * Workload-to-workload connectivity; from reach blocks beyond the engine's limits, absent when that listing
   * passed its own limit (or was not asked for: trend periods).
   */
  readonly connectivity?: WorkloadConnectivity;
}

/**
 * A stored snapshot the engine stopped on (beyond its class cap or pair-cell limit): no score or reach
 * figures, the reason instead, and the findings of the checks that need no allow set.
 */
export interface UnanalysedSnapshot {
  readonly id: string;
  readonly takenAt: string;
  readonly contentHash: string;
  readonly reason: string;
  readonly snapshot: Snapshot;
  readonly policyAudit: PolicyAuditResult;
}

export interface ClusterPeriodData {
  readonly cluster: string;
  /** The newest snapshot taken in the period. */
  readonly current?: AnalysedSnapshot;
  /** The newest snapshot of the previous period. */
  readonly previous?: AnalysedSnapshot;
  /** The newest snapshot of the period when the engine could not analyse it (beyond one of its limits). */
  readonly unanalysed?: UnanalysedSnapshot;
  /** The newest snapshot of the previous period, when the engine could not analyse it (for the policy drift). */
  readonly previousUnanalysed?: UnanalysedSnapshot;
  /** Why there is no current snapshot (e.g. the last collection failure), or why it was not analysed. */
  readonly missingReason?: string;
  /**
   * Audits of the trend periods (oldest first; null where no snapshot exists or the engine stopped on it),
   * for trend figures; `policyAudit` where the engine stopped, for the figures that need no allow set.
   */
  readonly trend: readonly TrendEntry[];
}

export interface TrendEntry {
  readonly period: ReportPeriod;
  readonly audit: AllowSetAuditResult | null;
  readonly policyAudit?: PolicyAuditResult;
}

export interface ReportOptions {
  readonly title?: string;
  readonly organisation?: string;
  readonly period: ReportPeriod;
  readonly previousPeriod?: ReportPeriod;
  readonly generatedAt: string;
  readonly generator: string;
  readonly settings: AuditSettings;
  /** YYYY-MM-DD the report is produced on (exception expiry). */
  readonly today: string;
  readonly topWorkloads: number;
  /** Limit the report to some namespaces (an email channel's view) and how to describe that. */
  readonly scope?: { readonly matches: NamespaceScope; readonly description: string };
  readonly signOff?: { readonly reviewer?: string; readonly role?: string; readonly date?: string };
  /** Cap on listed connection changes in the drift section (totals stay complete). */
  readonly maxDriftChanges?: number;
}

const FIGURE_LABELS: Record<KeyFigure['id'], string> = {
  'containment-score': 'Containment score',
  'namespaces-full-default-deny': 'Namespaces with full default-deny',
  'pods-isolated-ingress': 'Pods isolated for ingress',
  'pods-isolated-egress': 'Pods isolated for egress',
  'workloads-internet-exposed': 'Workloads reachable from the internet',
  'unlabeled-pods': 'Unlabeled pods',
  policies: 'Policies',
  'findings-critical': 'Critical findings',
  'findings-high': 'High findings',
  'findings-medium': 'Medium findings',
  'findings-low': 'Low findings',
  'exceptions-expiring': 'Exceptions expiring soon',
};

function figure(id: KeyFigure['id'], value: number | null, previous: number | null, better: KeyFigure['better'], context?: string): KeyFigure {
  const delta = value !== null && previous !== null ? Math.round((value - previous) * 10) / 10 : null;
  return { id, label: FIGURE_LABELS[id], value, previous, delta, better, ...(context ? { context } : {}) };
}

function keyFigures(cur: ScopedFigures | null, prev: ScopedFigures | null, expiring: number): KeyFigure[] {
  const pct = (f: ScopedFigures | null, k: 'podsIsolatedIngress' | 'podsIsolatedEgress') => (f ? percent(f[k], f.pods) : null);
  return [
    figure('containment-score', cur?.score ?? null, prev?.score ?? null, 'higher', '/ 100'),
    figure('namespaces-full-default-deny', cur?.namespacesFullDefaultDeny ?? null, prev?.namespacesFullDefaultDeny ?? null, 'higher', cur ? `of ${cur.namespaces} namespaces` : undefined),
    figure('pods-isolated-ingress', pct(cur, 'podsIsolatedIngress'), pct(prev, 'podsIsolatedIngress'), 'higher', cur ? `% of ${cur.pods} pods` : undefined),
    figure('pods-isolated-egress', pct(cur, 'podsIsolatedEgress'), pct(prev, 'podsIsolatedEgress'), 'higher', cur ? `% of ${cur.pods} pods` : undefined),
    figure('workloads-internet-exposed', cur?.workloadsInternetIngress ?? null, prev?.workloadsInternetIngress ?? null, 'lower', cur ? `of ${cur.workloads} workloads` : undefined),
    figure('unlabeled-pods', cur?.unlabeledPods ?? null, prev?.unlabeledPods ?? null, 'lower'),
    figure('policies', cur?.policies ?? null, prev?.policies ?? null, 'neutral'),
    figure('findings-critical', cur?.findings.critical ?? null, prev?.findings.critical ?? null, 'lower'),
    figure('findings-high', cur?.findings.high ?? null, prev?.findings.high ?? null, 'lower'),
    figure('findings-medium', cur?.findings.medium ?? null, prev?.findings.medium ?? null, 'lower'),
    figure('findings-low', cur?.findings.low ?? null, prev?.findings.low ?? null, 'lower'),
    figure('exceptions-expiring', expiring, null, 'lower', 'within the warning window'),
  ];
}

function trends(clusters: readonly ClusterPeriodData[], scope: NamespaceScope): TrendSeries[] {
  const periods = clusters[0]?.trend.map((t) => t.period) ?? [];
  const perPeriod = periods.map((p, i) => {
    const entries = clusters.map((c) => c.trend[i]);
    const policyLevel = entries.flatMap((e) => (e?.policyAudit ? [policyLevelFigures(e.policyAudit, scope)] : []));
    const figures = combineFigures(entries.flatMap((e) => (e?.audit ? [scopedFigures(e.audit, scope)] : [])));
    // the policy count needs no allow set: clusters the engine stopped on count too
    const policies = figures || policyLevel.length ? (figures?.policies ?? 0) + policyLevel.reduce((n, f) => n + f.policies, 0) : null;
    return { period: p.label, figures, policies };
  });
  const series = (id: TrendSeries['id'], title: string, unit: TrendSeries['unit'], value: (f: ScopedFigures) => number | null): TrendSeries => ({
    id,
    title,
    unit,
    points: perPeriod.map((p) => ({ period: p.period, value: p.figures ? value(p.figures) : null })),
  });
  return [
    series('containment-score', 'Containment score', 'score', (f) => f.score),
    series('findings-high-or-worse', 'Open high and critical findings', '', (f) => f.findings.high + f.findings.critical),
    series('pods-isolated-percent', 'Pods isolated in both directions', '%', (f) => percent(f.podsIsolatedBoth, f.pods)),
    series('namespaces-default-deny-percent', 'Namespaces with full default-deny', '%', (f) => percent(f.namespacesFullDefaultDeny, f.namespaces)),
    { id: 'policies', title: 'Policies', unit: '', points: perPeriod.map((p) => ({ period: p.period, value: p.policies })) },
  ];
}

function findingView(f: Finding, status: FindingStatus): FindingView {
  const st = status(f);
  return {
    check: f.check,
    title: findCheck(f.check)?.title ?? f.check,
    severity: f.severity,
    cluster: f.cluster,
    ...(f.namespace ? { namespace: f.namespace } : {}),
    ...(f.workload ? { workload: f.workload } : {}),
    ...(f.policy ? { policy: f.policy } : {}),
    message: f.message,
    fingerprint: f.fingerprint,
    suppressed: f.suppressed,
    ...(f.suppression ? { suppression: f.suppression } : {}),
    ...(st ? { status: st } : {}),
  };
}

const notRunView = (checks: readonly string[]) => checks.map((id) => ({ check: id, title: findCheck(id)?.title ?? id }));

/** The policy-level checks' findings of a cluster beyond the engine's limits, and the checks that did not run. */
function policyLevelView(audit: PolicyAuditResult, scope: NamespaceScope, status: FindingStatus): PolicyLevelSection {
  return { findings: scopedFindings(audit, scope).map((f) => findingView(f, status)), notRun: notRunView(audit.notRun.checks) };
}

/** A finding's status against the previous period: new, persisting, or none when that period did not check it. */
type FindingStatus = (f: Finding) => 'new' | 'persisting' | undefined;

/**
 * Marks findings new or persisting by the previous period's fingerprints. When the previous period's snapshot
 * was beyond the engine's limits, only some checks ran on it (from reach blocks, all but those that need the
 * complete analysis; else the policy-level ones): findings of those checks are compared with its findings,
 * and findings of the other checks get no status (they were not checked then).
 */
function previousStatus(c: ClusterPeriodData): FindingStatus {
  const previous = c.previous?.audit ?? c.previousUnanalysed?.policyAudit;
  if (!previous) return () => undefined;
  const fingerprints = new Set(previous.findings.map((f) => f.fingerprint));
  const notRun = new Set('notRun' in previous ? previous.notRun.checks : []);
  const checked = (f: Finding) => (c.previous ? !notRun.has(f.check) : findCheck(f.check)?.needs === 'policies');
  return (f) => (!checked(f) ? undefined : fingerprints.has(f.fingerprint) ? 'persisting' : 'new');
}

function severityGroups(views: readonly FindingView[]): SeverityGroup[] {
  return [...SEVERITIES].reverse().flatMap((sev): SeverityGroup[] => {
    const of = views.filter((v) => v.severity === sev);
    if (!of.length) return [];
    const checks: CheckGroup[] = CHECKS.filter((c) => of.some((v) => v.check === c.id)).map((c) => ({
      check: c.id,
      title: c.title,
      severity: sev,
      rationale: c.rationale,
      remediation: c.remediation,
      ...(c.snippet ? { snippet: c.snippet } : {}),
      findings: of.filter((v) => v.check === c.id),
    }));
    return [{ severity: sev, count: of.filter((v) => !v.suppressed).length, checks }];
  });
}

/** Per enabled check, the clusters of the period it did not run on (beyond the engine's limits). */
function checksNotRun(clusters: readonly ClusterPeriodData[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of clusters) {
    const audit = c.current?.audit ?? c.unanalysed?.policyAudit;
    if (!audit || !('notRun' in audit)) continue;
    for (const check of audit.notRun.checks) out.set(check, [...(out.get(check) ?? []), c.cluster]);
  }
  return out;
}

function controlGroups(views: readonly FindingView[], disabled: readonly string[], notRun: ReadonlyMap<string, readonly string[]>): ControlGroup[] {
  return CONTROL_IDS.map((id) => {
    const checks = CHECKS.filter((c) => c.controls.includes(id) && !disabled.includes(c.id)).map((c) => {
      const open = views.filter((v) => v.check === c.id && !v.suppressed).length;
      const notRunIn = notRun.get(c.id) ?? [];
      return { check: c.id, title: c.title, passed: open === 0 && !notRunIn.length, findings: open, notRunIn };
    });
    const open = checks.reduce((n, c) => n + c.findings, 0);
    const suppressed = views.filter((v) => v.suppressed && findCheck(v.check)?.controls.includes(id)).length;
    const status = open ? 'failed' : checks.some((c) => c.notRunIn.length) ? 'incomplete' : 'passed';
    return { control: id, label: controlLabel(id), title: CONTROLS[id].title, openFindings: open, suppressedFindings: suppressed, checks, status };
  });
}

function namespaceRows(audit: AllowSetAuditResult, scope: NamespaceScope): NamespaceRow[] {
  const findings = scopedFindings(audit, scope).filter((f) => !f.suppressed);
  return audit.namespaces
    .filter((n) => n.workloads > 0 && inScope(scope, audit, n.namespace))
    .map((n) => ({
      namespace: n.namespace,
      workloads: n.workloads,
      pods: n.pods,
      policies: n.policies,
      defaultDeny: n.defaultDeny,
      neutralised: n.neutralised,
      isolatedIngressPercent: percent(n.isolatedIngressPods, n.pods) ?? 0,
      isolatedEgressPercent: percent(n.isolatedEgressPods, n.pods) ?? 0,
      score: n.containment.score,
      grade: n.containment.grade,
      findings: Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.namespace === n.namespace && f.severity === s).length])) as Record<Severity, number>,
    }));
}

/** A period's drift side: its analysed snapshot (complete or from reach blocks), or the one the engine stopped on (policy level). */
function driftSide(a: AnalysedSnapshot | undefined, u: UnanalysedSnapshot | undefined): AnyDriftSide {
  if (!a) return { complete: false, side: { snapshot: u!.snapshot, coverage: coverageView(u!.policyAudit.facts), findings: u!.policyAudit.findings }, reason: u!.reason };
  const { audit, snapshot } = a;
  const side = { snapshot, workloadFacts: audit.facts.workloads, coverage: coverageView(audit.facts), findings: audit.findings, ...(a.connectivity ? { connectivity: a.connectivity } : {}) };
  return isBlockAudit(audit) ? { complete: false, side, reason: audit.notRun.reason } : { complete: true, side: { ...side, facts: audit.facts } };
}
const nsOfKey = (k: string) => (k.includes('/') && k.includes('[') ? k.split('/')[0] : undefined);

function driftSection(clusters: readonly ClusterPeriodData[], scope: NamespaceScope, max: number): DriftSection {
  // a period whose snapshot is beyond the engine's limits still compares at policy level
  const comparable = clusters.filter((c) => (c.current || c.unanalysed) && (c.previous || c.previousUnanalysed));
  if (!comparable.length) {
    return {
      available: false,
      note: 'No analysed snapshot of the previous period to compare with.',
      pathsOpened: 0, pathsClosed: 0, pathsChanged: 0, changes: [], newlyInternetExposed: [], newlyCrossNamespaceExposed: [], policyChanges: [],
      findingsNew: 0, findingsResolved: 0, findingsPersisting: 0,
    };
  }
  const changes: ConnectionChangeView[] = [];
  const internet: string[] = [];
  const cross: string[] = [];
  const policies: PolicyChangeView[] = [];
  let opened = 0;
  let closed = 0;
  let changed = 0;
  let fNew = 0;
  let fResolved = 0;
  let fPersist = 0;
  const policyOnly: string[] = [];
  const exposureOnly: string[] = [];
  const fromBlocks: string[] = [];
  for (const c of comparable) {
    const audit = c.current?.audit ?? c.unanalysed!.policyAudit;
    const previousAudit = c.previous?.audit ?? c.previousUnanalysed!.policyAudit;
    const visible = (ns: string | undefined) => inScope(scope, audit, ns) || (ns !== undefined && inScope(scope, previousAudit, ns));
    const o = driftBetween(driftSide(c.previous, c.previousUnanalysed), driftSide(c.current, c.unanalysed));
    const d = o.drift;
    if (!o.complete) (o.connections ? fromBlocks : o.exposure ? exposureOnly : policyOnly).push(c.cluster);
    // connections exist when both periods' connectivity is listed; exposure when both have allow sets
    const reach = o.complete ? o.drift : { connections: o.connections ?? [], ...(o.exposure ?? { newlyInternetExposed: [], newlyCrossNamespaceExposed: [] }) };
    for (const x of reach.connections) {
      if (!visible(nsOfKey(x.src)) && !visible(nsOfKey(x.dst))) continue;
      if (x.type === 'added') opened++;
      else if (x.type === 'removed') closed++;
      else changed++;
      changes.push({ cluster: c.cluster, type: x.type, src: x.src, dst: x.dst, before: x.before ? formatConnectionSet(x.before) : 'No Connections', after: x.after ? formatConnectionSet(x.after) : 'No Connections' });
    }
    for (const e of reach.newlyInternetExposed) if (visible(nsOfKey(e.workload))) internet.push(`${c.cluster}: ${e.workload} (${e.direction === 'ingress' ? 'reachable from' : 'reaches'} the internet)`);
    for (const e of reach.newlyCrossNamespaceExposed) if (visible(nsOfKey(e.workload))) cross.push(`${c.cluster}: ${e.workload} (from ${e.namespaces.join(', ')})`);
    for (const p of d.policies) {
      if (p.namespace ? !visible(p.namespace) : scope !== undefined) continue;
      policies.push({ cluster: c.cluster, change: p.change, policy: `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`, fields: p.fields.map(formatFieldChange) });
    }
    fNew += d.findings.new.filter((f) => visible(f.namespace) || (!scope && !f.namespace)).length;
    fResolved += d.findings.resolved.filter((f) => visible(f.namespace) || (!scope && !f.namespace)).length;
    fPersist += d.findings.persisting.filter((f) => visible(f.namespace) || (!scope && !f.namespace)).length;
  }
  const order = { added: 0, changed: 1, removed: 2 } as const;
  changes.sort((a, b) => order[a.type] - order[b.type] || a.cluster.localeCompare(b.cluster) || a.src.localeCompare(b.src) || a.dst.localeCompare(b.dst));
  const note = driftNote(clusters, comparable, fromBlocks, exposureOnly, policyOnly);
  return {
    available: true,
    ...(note ? { note } : {}),
    pathsOpened: opened,
    pathsClosed: closed,
    pathsChanged: changed,
    changes: changes.slice(0, max),
    newlyInternetExposed: internet,
    newlyCrossNamespaceExposed: cross,
    policyChanges: policies,
    findingsNew: fNew,
    findingsResolved: fResolved,
    findingsPersisting: fPersist,
  };
}

/** Which clusters the drift covers, which of them without connection changes, and which only at policy level. */
function driftNote(
  clusters: readonly ClusterPeriodData[],
  comparable: readonly ClusterPeriodData[],
  fromBlocks: readonly string[],
  exposureOnly: readonly string[],
  policyOnly: readonly string[],
): string | undefined {
  const parts: string[] = [];
  if (comparable.length < clusters.length) parts.push(`Drift covers ${comparable.map((c) => c.cluster).join(', ')}: the other clusters lack a snapshot in one of the two periods.`);
  if (fromBlocks.length) {
    parts.push(
      `For ${fromBlocks.join(', ')} a snapshot is beyond the engine's limits and was analysed from reach blocks: connections, exposure, policy changes and the findings of every check that ran on both snapshots were compared.`,
    );
  }
  if (exposureOnly.length) {
    parts.push(
      `For ${exposureOnly.join(', ')} a snapshot is beyond the engine's limits and was analysed from reach blocks, its connections too many to list: connections were not compared; exposure, policy changes and the findings of every check that ran on both snapshots were.`,
    );
  }
  if (policyOnly.length) {
    parts.push(
      `For ${policyOnly.join(', ')} a snapshot is beyond the engine's limits: connections and exposure were not compared; policy changes and the findings of the policy-level checks were.`,
    );
  }
  return parts.length ? parts.join(' ') : undefined;
}

function blastRadius(clusters: readonly ClusterPeriodData[], scope: NamespaceScope, top: number): BlastRadiusRow[] {
  const rows: BlastRadiusRow[] = [];
  for (const c of clusters) {
    if (!c.current) continue;
    const audit = c.current.audit;
    for (const e of audit.exposure) {
      if (!inScope(scope, audit, e.namespace)) continue;
      rows.push({
        cluster: c.cluster,
        workload: e.workload,
        pods: e.pods,
        reaches: e.reaches.workloads,
        reachesNamespaces: e.reaches.namespaces,
        reachedFrom: e.reachedFrom.workloads,
        reachedFromNamespaces: e.reachedFrom.namespaces,
        internetIngress: e.internetIngress,
        internetEgress: e.internetEgress,
        admitsFutureNamespaces: e.admitsFutureNamespaces.length,
        score: e.score,
      });
    }
  }
  return rows
    .sort((a, b) => b.reaches - a.reaches || b.reachedFrom - a.reachedFrom || Number(b.internetIngress) - Number(a.internetIngress) || a.workload.localeCompare(b.workload))
    .slice(0, top);
}

function exceptionViews(settings: AuditSettings, today: string, views: readonly FindingView[]): ExceptionView[] {
  return settings.exceptions.map((e) => {
    const left = daysLeft(e, today);
    const scope = [e.cluster && `cluster ${e.cluster}`, e.namespace && `namespace ${e.namespace}`, e.workload, e.policy && `policy ${e.policy}`].filter(Boolean).join(', ') || 'cluster-wide';
    return {
      check: e.check,
      scope,
      owner: e.owner,
      reason: e.reason,
      expires: e.expires,
      status: isExpired(e, today) ? 'expired' : left <= settings.expiringSoonDays ? 'expiring' : 'active',
      daysLeft: left,
      suppresses: views.filter((v) => v.suppression && v.check === e.check && v.suppression.owner === e.owner && v.suppression.expires === e.expires && v.suppression.reason === e.reason).length,
    };
  });
}

function appendix(clusters: readonly ClusterPeriodData[], scope: NamespaceScope): PolicyAppendixRow[] {
  const rows: PolicyAppendixRow[] = [];
  for (const c of clusters) {
    if (!c.current) continue;
    const { audit, snapshot } = c.current;
    const analysis = audit.facts.analysis;
    const podsOf = (ids: readonly number[]) => ids.reduce((n, i) => n + analysis.classes[i]!.pods.length, 0);
    const created = new Map(snapshot.networkPolicies.map((p) => [`${p.namespace}/${p.name}`, p.creationTimestamp]));
    for (const np of analysis.model.networkPolicies) {
      if (!inScope(scope, audit, np.namespace)) continue;
      const createdAt = created.get(np.id);
      rows.push({
        cluster: c.cluster,
        kind: 'NetworkPolicy',
        namespace: np.namespace,
        name: np.name,
        selects: describeSelector(np.podSelector),
        podsSelected: podsOf(analysis.evaluator.subjectOf(np).toArray()),
        directions: [np.affectsIngress && 'Ingress', np.affectsEgress && 'Egress'].filter(Boolean).join(', '),
        rules: np.ingress.length + np.egress.length,
        ...(createdAt ? { createdAt } : {}),
      });
    }
    if (scope) continue;
    for (const a of [...analysis.model.adminPolicies, ...(analysis.model.baselinePolicy ? [analysis.model.baselinePolicy] : [])]) {
      const s = a.subject;
      rows.push({
        cluster: c.cluster,
        kind: a.tier === 'admin' ? 'AdminNetworkPolicy' : 'BaselineAdminNetworkPolicy',
        name: a.name,
        selects: s.kind === 'namespaces' ? `namespaces ${describeSelector(s.namespaceSelector)}` : `pods ${describeSelector(s.podSelector)} in namespaces ${describeSelector(s.namespaceSelector)}`,
        podsSelected: podsOf(analysis.evaluator.subjectOf(a).toArray()),
        directions: [a.ingress.length && 'Ingress', a.egress.length && 'Egress'].filter(Boolean).join(', '),
        rules: a.ingress.length + a.egress.length,
        ...(a.tier === 'admin' ? { priority: a.priority } : {}),
      });
    }
  }
  return rows;
}

export function buildReportModel(clusters: readonly ClusterPeriodData[], o: ReportOptions): ReportModel {
  const scope = o.scope?.matches;
  const present = clusters.filter((c) => c.current);
  const current = combineFigures(present.map((c) => scopedFigures(c.current!.audit, scope)));
  const previous = combineFigures(clusters.filter((c) => c.previous).map((c) => scopedFigures(c.previous!.audit, scope)));
  const views: FindingView[] = present.flatMap((c) => {
    const status = previousStatus(c);
    return scopedFindings(c.current!.audit, scope).map((f) => findingView(f, status));
  });
  views.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.check.localeCompare(b.check) || a.cluster.localeCompare(b.cluster) || a.message.localeCompare(b.message));
  const exceptions = exceptionViews(o.settings, o.today, views);
  const sections: ClusterSection[] = clusters.map((c) => {
    if (!c.current) {
      const missingReason = c.missingReason ?? `no snapshot was taken between ${o.period.from} and ${o.period.to}`;
      if (c.unanalysed) {
        // beyond the engine's limits: the counts and the policy-level findings, no score, nothing estimated
        const policyAudit = c.unanalysed.policyAudit;
        return {
          cluster: c.cluster,
          status: 'missing',
          missingKind: 'not-analysed',
          missingReason,
          unanalysedSnapshot: { id: c.unanalysed.id, takenAt: c.unanalysed.takenAt, contentHash: c.unanalysed.contentHash },
          ...policyLevelFigures(policyAudit, scope),
          namespaceRows: [],
          policyLevel: policyLevelView(policyAudit, scope, previousStatus(c)),
        };
      }
      return {
        cluster: c.cluster,
        status: 'missing',
        missingKind: 'no-snapshot',
        missingReason,
        namespaces: 0, workloads: 0, pods: 0, policies: 0,
        findings: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
        namespaceRows: [],
      };
    }
    const audit = c.current.audit;
    const f = scopedFigures(audit, scope);
    return {
      cluster: c.cluster,
      status: 'ok',
      ...(isBlockAudit(audit) ? { fromBlocks: { reason: audit.notRun.reason, notRun: notRunView(audit.notRun.checks), connectionsListed: c.current.connectivity !== undefined } } : {}),
      snapshot: c.current.meta,
      ...(f.score !== null ? { score: f.score, grade: grade(f.score) } : {}),
      namespaces: f.namespaces,
      workloads: f.workloads,
      pods: f.pods,
      policies: f.policies,
      findings: f.findings,
      namespaceRows: namespaceRows(c.current.audit, scope),
    };
  });
  return {
    title: o.title ?? `Network containment audit ${o.period.label}`,
    ...(o.organisation ? { organisation: o.organisation } : {}),
    period: o.period,
    ...(o.previousPeriod ? { previousPeriod: o.previousPeriod } : {}),
    generatedAt: o.generatedAt,
    generator: o.generator,
    clusters: clusters.map((c) => c.cluster),
    ...(o.scope ? { namespaceScope: o.scope.description } : {}),
    overall: { score: current?.score ?? null, grade: current?.score != null ? grade(current.score) : null, previousScore: previous?.score ?? null },
    keyFigures: keyFigures(current, previous, exceptions.filter((e) => e.status === 'expiring').length),
    trends: trends(clusters, scope),
    clusterSections: sections,
    findingsBySeverity: severityGroups(views),
    findingsByControl: controlGroups(views, o.settings.disabledChecks, checksNotRun(clusters)),
    drift: driftSection(clusters, scope, o.maxDriftChanges ?? 200),
    blastRadius: blastRadius(clusters, scope, o.topWorkloads),
    exceptions,
    signOff: o.signOff ?? {},
    appendix: { policies: appendix(clusters, scope) },
    missing: sections.filter((s) => s.status === 'missing').map((s) => ({ cluster: s.cluster, kind: s.missingKind!, reason: s.missingReason! })),
  };
}
