/**
 * The report's view model: everything the HTML/PDF/email templates show, as plain values (numbers,
 * strings, booleans; no HTML). Built purely from the history (build-report-model.ts); rendered by
 * src/adapters/render. Values that come from clusters (names, labels, messages) are raw text: the
 * templates escape them.
 */
import type { Severity } from '../findings/severity.js';

export interface ReportPeriod {
  /** `2026-Q3`, `2026-07` or `2026-07-01..2026-09-30`. */
  readonly label: string;
  /** Inclusive dates, YYYY-MM-DD (UTC). */
  readonly from: string;
  readonly to: string;
}

export interface KeyFigure {
  readonly id:
    | 'containment-score'
    | 'namespaces-full-default-deny'
    | 'pods-isolated-ingress'
    | 'pods-isolated-egress'
    | 'workloads-internet-exposed'
    | 'unlabeled-pods'
    | 'policies'
    | 'findings-critical'
    | 'findings-high'
    | 'findings-medium'
    | 'findings-low'
    | 'exceptions-expiring';
  readonly label: string;
  /** null: no data for the period. */
  readonly value: number | null;
  /** Shown after the value, e.g. `of 12 namespaces` or `%`. */
  readonly context?: string;
  readonly previous: number | null;
  /** value - previous, when both exist. */
  readonly delta: number | null;
  /** Which direction is an improvement (for colouring the delta). */
  readonly better: 'higher' | 'lower' | 'neutral';
}

export interface TrendPoint {
  readonly period: string;
  /** null: no snapshot in that period. */
  readonly value: number | null;
}

export interface TrendSeries {
  readonly id: 'containment-score' | 'findings-high-or-worse' | 'pods-isolated-percent' | 'namespaces-default-deny-percent' | 'policies';
  readonly title: string;
  readonly unit: '' | '%' | 'score';
  readonly points: readonly TrendPoint[];
}

export interface SnapshotRef {
  readonly id: string;
  readonly takenAt: string;
  readonly contentHash: string;
  readonly serverVersion?: string;
  /** Resources that failed to collect (a partial snapshot). */
  readonly failures: readonly string[];
}

export interface NamespaceRow {
  readonly namespace: string;
  readonly workloads: number;
  readonly pods: number;
  readonly policies: number;
  readonly defaultDeny: 'none' | 'ingress only' | 'egress only' | 'both';
  /** The default-deny exists but an allow-all policy re-opens it. */
  readonly neutralised: boolean;
  readonly isolatedIngressPercent: number;
  readonly isolatedEgressPercent: number;
  readonly score: number;
  readonly grade: string;
  readonly findings: Readonly<Record<Severity, number>>;
}

export type MissingKind = 'no-snapshot' | 'not-analysed';

export interface ClusterSection {
  readonly cluster: string;
  /**
   * missing: no figures for the period, and none estimated (see missingKind and missingReason): no snapshot
   * was taken, or the newest one was stored but the engine stopped on it (beyond one of its limits).
   */
  readonly status: 'ok' | 'missing';
  readonly missingKind?: MissingKind;
  readonly missingReason?: string;
  /** With missingKind not-analysed: the stored snapshot the engine stopped on. */
  readonly unanalysedSnapshot?: { readonly id: string; readonly takenAt: string; readonly contentHash: string };
  readonly snapshot?: SnapshotRef;
  readonly score?: number;
  readonly grade?: string;
  readonly namespaces: number;
  readonly workloads: number;
  readonly pods: number;
  readonly policies: number;
  readonly findings: Readonly<Record<Severity, number>>;
  readonly namespaceRows: readonly NamespaceRow[];
  /**
   * With missingKind not-analysed: the findings of the checks that need no allow set (they ran), and the
   * checks that did not; the counts above are then the policy-level ones (no score is given).
   */
  readonly policyLevel?: PolicyLevelSection;
  /**
   * Set when the snapshot is beyond the engine's limits and was analysed from reach blocks: the figures and
   * findings above are those of a complete audit, but the checks listed did not run (they need the complete
   * analysis); `connectionsListed` says whether its workload connections could be listed from the blocks
   * (connectivity export, connection changes) or were too many.
   */
  readonly fromBlocks?: { readonly reason: string; readonly notRun: readonly { readonly check: string; readonly title: string }[]; readonly connectionsListed: boolean };
}

export interface PolicyLevelSection {
  readonly findings: readonly FindingView[];
  readonly notRun: readonly { readonly check: string; readonly title: string }[];
}

export interface FindingView {
  readonly check: string;
  readonly title: string;
  readonly severity: Severity;
  readonly cluster: string;
  readonly namespace?: string;
  readonly workload?: string;
  readonly policy?: string;
  readonly message: string;
  readonly fingerprint: string;
  readonly suppressed: boolean;
  readonly suppression?: { readonly owner: string; readonly reason: string; readonly expires: string };
  /** new since the previous period, or persisting from it (absent when there is no previous period). */
  readonly status?: 'new' | 'persisting';
}

export interface CheckGroup {
  readonly check: string;
  readonly title: string;
  readonly severity: Severity;
  readonly rationale: string;
  readonly remediation: string;
  readonly snippet?: string;
  readonly findings: readonly FindingView[];
}

export interface SeverityGroup {
  readonly severity: Severity;
  readonly count: number;
  readonly checks: readonly CheckGroup[];
}

export interface ControlGroup {
  /** e.g. `CIS-5.3.2` */
  readonly control: string;
  /** e.g. `CIS Kubernetes Benchmark 5.3.2` */
  readonly label: string;
  readonly title: string;
  /** Unsuppressed findings of the checks that give evidence for it. */
  readonly openFindings: number;
  readonly suppressedFindings: number;
  /**
   * Checks evidencing the control: whether each passed (no open finding, and it ran on every cluster), and the
   * clusters it did not run on (snapshots beyond the engine's limits).
   */
  readonly checks: readonly { readonly check: string; readonly title: string; readonly passed: boolean; readonly findings: number; readonly notRunIn: readonly string[] }[];
  /** passed: no open finding in its checks, each run on every cluster; incomplete: no open finding, but some check did not run somewhere. */
  readonly status: 'passed' | 'failed' | 'incomplete';
}

export interface ConnectionChangeView {
  readonly cluster: string;
  readonly type: 'added' | 'removed' | 'changed';
  readonly src: string;
  readonly dst: string;
  readonly before: string;
  readonly after: string;
}

export interface PolicyChangeView {
  readonly cluster: string;
  readonly change: 'added' | 'removed' | 'modified';
  /** `NetworkPolicy shop/web`, `AdminNetworkPolicy guardrails`. */
  readonly policy: string;
  /** For modified: field-level changes, e.g. `spec.ingress[0].ports[0].port: 80 -> 8080`. */
  readonly fields: readonly string[];
}

export interface DriftSection {
  /** false when there is no earlier snapshot to compare with. */
  readonly available: boolean;
  readonly note?: string;
  readonly pathsOpened: number;
  readonly pathsClosed: number;
  readonly pathsChanged: number;
  /** The most important connection changes (opened first), capped; totals above are complete. */
  readonly changes: readonly ConnectionChangeView[];
  readonly newlyInternetExposed: readonly string[];
  readonly newlyCrossNamespaceExposed: readonly string[];
  readonly policyChanges: readonly PolicyChangeView[];
  readonly findingsNew: number;
  readonly findingsResolved: number;
  readonly findingsPersisting: number;
}

export interface BlastRadiusRow {
  readonly cluster: string;
  readonly workload: string;
  readonly pods: number;
  readonly reaches: number;
  readonly reachesNamespaces: number;
  readonly reachedFrom: number;
  readonly reachedFromNamespaces: number;
  readonly internetIngress: boolean;
  readonly internetEgress: boolean;
  readonly admitsFutureNamespaces: number;
  readonly score: number;
}

export interface ExceptionView {
  readonly check: string;
  readonly scope: string;
  readonly owner: string;
  readonly reason: string;
  readonly expires: string;
  readonly status: 'active' | 'expiring' | 'expired';
  readonly daysLeft: number;
  /** Findings it suppresses in this report. */
  readonly suppresses: number;
}

export interface PolicyAppendixRow {
  readonly cluster: string;
  readonly kind: 'NetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
  readonly namespace?: string;
  readonly name: string;
  /** Selector text, e.g. `app=web` or `{}` (all pods); for admin policies the subject. */
  readonly selects: string;
  readonly podsSelected: number;
  readonly directions: string;
  readonly rules: number;
  readonly priority?: number;
  readonly createdAt?: string;
}

export interface ReportModel {
  readonly title: string;
  readonly organisation?: string;
  readonly period: ReportPeriod;
  readonly previousPeriod?: ReportPeriod;
  readonly generatedAt: string;
  readonly generator: string;
  readonly clusters: readonly string[];
  /** Set when the report is limited to some namespaces (an email channel's view). */
  readonly namespaceScope?: string;
  readonly overall: { readonly score: number | null; readonly grade: string | null; readonly previousScore: number | null };
  readonly keyFigures: readonly KeyFigure[];
  readonly trends: readonly TrendSeries[];
  readonly clusterSections: readonly ClusterSection[];
  readonly findingsBySeverity: readonly SeverityGroup[];
  readonly findingsByControl: readonly ControlGroup[];
  readonly drift: DriftSection;
  readonly blastRadius: readonly BlastRadiusRow[];
  readonly exceptions: readonly ExceptionView[];
  readonly signOff: { readonly reviewer?: string; readonly role?: string; readonly date?: string };
  readonly appendix: { readonly policies: readonly PolicyAppendixRow[] };
  /** Clusters in scope without figures for the period (no snapshot, or one the engine stopped on), and why. */
  readonly missing: readonly { readonly cluster: string; readonly kind: MissingKind; readonly reason: string }[];
}
