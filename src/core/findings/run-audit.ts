/**
 * The audit: run every enabled check over the facts of one analysed snapshot, apply severity overrides
 * and exceptions, and summarise. Pure: the caller passes the date.
 */
import { isCompleteAnalysis, type ClusterAnalysis, type PolicyAnalysis } from '../engine/analyse-cluster.js';
import { sha256 } from '../model/canonical-json.js';
import { blockAuditFacts, computeAuditFacts, computePolicyFacts, type AllowSetFacts, type AuditFacts, type PolicyFacts, type WorkloadFacts } from './audit-facts.js';
import type { AuditSettings, ExceptionRule } from './audit-settings.js';
import type { Check, CheckContext, PreviousPeriodCounts } from './check.js';
import { CHECKS } from './check-registry.js';
import { daysLeft, isExpired, matchingException } from './exceptions.js';
import { containment, workloadExposure, type ScoreSummary, type WorkloadExposure } from './exposure.js';
import type { Finding } from './finding.js';
import { SEVERITIES, severityRank, type Severity } from './severity.js';

export interface NamespaceSummary {
  readonly namespace: string;
  readonly workloads: number;
  readonly pods: number;
  readonly policies: number;
  readonly defaultDeny: 'none' | 'ingress only' | 'egress only' | 'both';
  /** A default-deny exists, but an allow-all rule leaves every workload of the namespace open in that direction. */
  readonly neutralised: boolean;
  readonly isolatedIngressPods: number;
  readonly isolatedEgressPods: number;
  readonly containment: ScoreSummary;
}

/** What an audit says of a cluster whatever the engine could analyse: counts, findings, checks, exceptions. */
export interface PolicyAuditSummary {
  readonly cluster: string;
  readonly takenAt: string;
  readonly namespaces: number;
  readonly workloads: number;
  readonly pods: number;
  readonly policies: { readonly networkPolicies: number; readonly adminNetworkPolicies: number; readonly baselineAdminNetworkPolicies: number };
  readonly unlabeledPods: number;
  /** Unsuppressed findings per severity. */
  readonly findingsBySeverity: Readonly<Record<Severity, number>>;
  readonly suppressedFindings: number;
  readonly checks: readonly { readonly id: string; readonly findings: number; readonly suppressed: number; readonly passed: boolean }[];
  readonly exceptions: { readonly active: number; readonly expired: number; readonly expiringSoon: readonly (ExceptionRule & { daysLeft: number })[] };
}

export interface AuditSummary extends PolicyAuditSummary {
  readonly namespacesWithFullDefaultDeny: number;
  readonly podsIsolatedIngress: number;
  readonly podsIsolatedEgress: number;
  readonly workloadsInternetIngress: number;
  readonly workloadsInternetEgress: number;
  readonly containment: ScoreSummary;
}

/**
 * The audit of a cluster beyond the engine's limits: the policy-level checks ran (their findings are as
 * exact as in a complete audit); the checks over allow sets and reach did not, and no score is given.
 */
export interface PolicyAuditResult {
  readonly findings: readonly Finding[];
  readonly summary: PolicyAuditSummary;
  /** The checks that did not run, and why (the engine's explanation). */
  readonly notRun: { readonly checks: readonly string[]; readonly reason: string };
  readonly facts: PolicyFacts;
}

export interface AuditResult {
  readonly findings: readonly Finding[];
  readonly summary: AuditSummary;
  readonly exposure: readonly WorkloadExposure[];
  readonly namespaces: readonly NamespaceSummary[];
  readonly facts: AuditFacts;
}

/**
 * The audit of a cluster beyond the class cap, from reach blocks: every check over allow sets and reach ran
 * (their findings, the scores and the summary are those of a complete audit); the checks that re-evaluate
 * the engine's allow maps per policy (redundancy) did not.
 */
export interface BlockAuditResult extends Omit<AuditResult, 'facts'> {
  readonly facts: AllowSetFacts;
  readonly notRun: { readonly checks: readonly string[]; readonly reason: string };
}

/** An audit with allow sets: complete, or from reach blocks beyond the engine's limits. */
export type AllowSetAuditResult = AuditResult | BlockAuditResult;

/** Whether an audit with allow sets came from reach blocks (some checks, listed in `notRun`, did not run). */
export const isBlockAudit = (r: AllowSetAuditResult): r is BlockAuditResult => 'notRun' in r;

export interface AuditInput {
  readonly cluster: string;
  readonly takenAt: string;
  readonly analysis: ClusterAnalysis;
  readonly settings: AuditSettings;
  /** YYYY-MM-DD (UTC) the audit is for: exception expiry is judged against it. */
  readonly today: string;
  readonly previous?: PreviousPeriodCounts;
}

export function fingerprint(parts: { check: string; cluster: string; namespace?: string; workload?: string; policy?: string; subject?: string }): string {
  return sha256([parts.check, parts.cluster, parts.namespace ?? '', parts.workload ?? '', parts.policy ?? '', parts.subject ?? ''].join('\u0000')).slice(0, 16);
}

export function runAudit(input: AuditInput): AuditResult {
  const facts = computeAuditFacts(input.analysis);
  return { ...auditOver(input, facts, CHECKS), facts };
}

export interface PolicyAuditInput extends Omit<AuditInput, 'analysis'> {
  readonly analysis: PolicyAnalysis;
  /** Why the allow sets were not computed (the engine's explanation of the limit it stopped at). */
  readonly stoppedBecause: string;
}

/**
 * The audit of a cluster beyond the class cap from reach blocks (BlockAuditResult): the checks that need the
 * complete analysis are listed as not run, with the class cap's explanation.
 */
export function runBlockAudit(input: PolicyAuditInput): BlockAuditResult {
  const { releasePieces, ...facts } = blockAuditFacts(input.analysis);
  const notRun = CHECKS.filter((c) => c.needs === 'complete-analysis' && !input.settings.disabledChecks.includes(c.id)).map((c) => c.id);
  const result = auditOver(input, facts, CHECKS.filter((c) => c.needs !== 'complete-analysis'));
  // the checks have asked their port questions: the kept facts need not hold the rule pieces (W3: ~220 MB)
  releasePieces();
  return { ...result, facts, notRun: { checks: notRun, reason: input.stoppedBecause } };
}

/** Checks, exposure, namespace summaries and the summary over facts with allow sets. */
function auditOver(input: Omit<AuditInput, 'analysis'>, facts: AllowSetFacts, checks: readonly Check[]): Omit<AuditResult, 'facts'> {
  const { cluster, settings, today } = input;
  const { findings, checkStats } = runChecks(checks, { cluster, facts, settings, today, ...(input.previous ? { previous: input.previous } : {}) });
  const exposure = workloadExposure(facts);
  const namespaces = summariseNamespaces(facts, exposure);
  const podsWhere = (pred: (w: WorkloadFacts) => boolean) => [...facts.workloads.values()].filter(pred).reduce((n, w) => n + w.pods.length, 0);
  const summary: AuditSummary = {
    ...policySummary(input, facts, findings, checkStats),
    namespacesWithFullDefaultDeny: namespaces.filter((n) => n.defaultDeny === 'both' && !n.neutralised).length,
    podsIsolatedIngress: podsWhere((w) => w.ingress.isolated),
    podsIsolatedEgress: podsWhere((w) => w.egress.isolated),
    workloadsInternetIngress: exposure.filter((e) => e.internetIngress).length,
    workloadsInternetEgress: exposure.filter((e) => e.internetEgress).length,
    containment: containment(exposure),
  };
  return { findings, summary, exposure, namespaces };
}

/** The policy-level part of an audit, for a cluster the engine stopped on (see PolicyAuditResult). */
export function runPolicyAudit(input: PolicyAuditInput): PolicyAuditResult {
  const { cluster, settings, today } = input;
  const facts = computePolicyFacts(input.analysis);
  const policyChecks = CHECKS.filter((c) => c.needs === 'policies');
  const { findings, checkStats } = runChecks(policyChecks, { cluster, facts, settings, today, ...(input.previous ? { previous: input.previous } : {}) });
  const notRun = CHECKS.filter((c) => c.needs !== 'policies' && !settings.disabledChecks.includes(c.id)).map((c) => c.id);
  return { findings, summary: policySummary(input, facts, findings, checkStats), notRun: { checks: notRun, reason: input.stoppedBecause }, facts };
}

type CheckStat = PolicyAuditSummary['checks'][number];

/** Runs the enabled checks, applies severity overrides and exceptions, and sorts the findings. */
function runChecks<F extends PolicyFacts>(checks: readonly Check[], ctx: CheckContext<F>): { findings: Finding[]; checkStats: CheckStat[] } {
  const { cluster, settings, today } = ctx;
  const findings: Finding[] = [];
  const checkStats: CheckStat[] = [];
  for (const check of checks) {
    if (settings.disabledChecks.includes(check.id)) continue;
    const drafts = check.needs === 'policies' ? check.run(ctx) : check.needs === 'allow-sets' ? check.run(withAllowSets(ctx)) : check.run(withCompleteAnalysis(ctx));
    const base = settings.severityOverrides[check.id] ?? check.defaultSeverity;
    let suppressedCount = 0;
    for (const d of drafts) {
      // a per-finding severity is relative to the check's default: keep that offset under an override
      const severity = d.severity ? SEVERITIES[Math.max(0, severityRank(base) - (severityRank(check.defaultSeverity) - severityRank(d.severity)))]! : base;
      const scope = { check: check.id, cluster, ...(d.namespace ? { namespace: d.namespace } : {}), ...(d.workload ? { workload: d.workload } : {}), ...(d.policy ? { policy: d.policy } : {}) };
      const exception = check.id === 'exception-expired' ? undefined : matchingException(scope, settings.exceptions, today);
      if (exception) suppressedCount++;
      findings.push({
        ...scope,
        severity,
        message: d.message,
        fingerprint: fingerprint({ ...scope, ...(d.subject ? { subject: d.subject } : {}) }),
        suppressed: exception !== undefined,
        ...(exception ? { suppression: { owner: exception.owner, reason: exception.reason, expires: exception.expires } } : {}),
        controls: check.controls,
        ...(d.details ? { details: d.details } : {}),
      });
    }
    checkStats.push({ id: check.id, findings: drafts.length, suppressed: suppressedCount, passed: drafts.length === suppressedCount });
  }
  findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      (a.check < b.check ? -1 : a.check > b.check ? 1 : 0) ||
      (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
      a.message.localeCompare(b.message),
  );
  return { findings, checkStats };
}

/** The context of a check over allow sets: facts with allow sets only (runPolicyAudit never runs such a check). */
function withAllowSets(ctx: CheckContext<PolicyFacts>): CheckContext<AllowSetFacts> {
  if (!('workloadKeys' in ctx.facts)) throw new Error('a check over allow sets was given policy-level facts only');
  return ctx as CheckContext<AllowSetFacts>;
}

/** The context of a check that re-evaluates the engine: a complete analysis only (runBlockAudit never runs one). */
function withCompleteAnalysis(ctx: CheckContext<PolicyFacts>): CheckContext<AuditFacts> {
  if (!('workloadKeys' in ctx.facts) || !isCompleteAnalysis(ctx.facts.analysis)) throw new Error('a check over the complete analysis was given facts without it');
  return ctx as CheckContext<AuditFacts>;
}

function policySummary(input: Omit<AuditInput, 'analysis'>, facts: PolicyFacts, findings: readonly Finding[], checks: CheckStat[]): PolicyAuditSummary {
  const { cluster, settings, today } = input;
  const model = facts.analysis.model;
  const allPods = [...facts.workloads.values()].flatMap((w) => w.pods);
  const activeExceptions = settings.exceptions.filter((e) => !isExpired(e, today) && (!e.cluster || e.cluster === cluster));
  return {
    cluster,
    takenAt: input.takenAt,
    namespaces: facts.namespaces.size,
    workloads: facts.workloads.size,
    pods: allPods.length,
    policies: {
      networkPolicies: model.networkPolicies.length,
      adminNetworkPolicies: model.adminPolicies.length,
      baselineAdminNetworkPolicies: model.baselinePolicy ? 1 : 0,
    },
    unlabeledPods: allPods.filter((p) => Object.keys(p.labels).length === 0).length,
    findingsBySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s && !f.suppressed).length])) as Record<Severity, number>,
    suppressedFindings: findings.filter((f) => f.suppressed).length,
    checks,
    exceptions: {
      active: activeExceptions.length,
      expired: settings.exceptions.filter((e) => isExpired(e, today) && (!e.cluster || e.cluster === cluster)).length,
      expiringSoon: activeExceptions.map((e) => ({ ...e, daysLeft: daysLeft(e, today) })).filter((e) => e.daysLeft <= settings.expiringSoonDays),
    },
  };
}

function summariseNamespaces(facts: AllowSetFacts, exposure: readonly WorkloadExposure[]): NamespaceSummary[] {
  const policies = new Map<string, number>();
  for (const p of facts.analysis.model.networkPolicies) policies.set(p.namespace, (policies.get(p.namespace) ?? 0) + 1);
  return [...facts.namespaces.values()].map((ns) => {
    const wl = ns.workloads.map((k) => facts.workloads.get(k)!);
    const ingress = ns.defaultDeny.ingress.length > 0;
    const egress = ns.defaultDeny.egress.length > 0;
    const neutralised = wl.length > 0 && ((ingress && wl.every((w) => w.ingress.open)) || (egress && wl.every((w) => w.egress.open)));
    return {
      namespace: ns.name,
      workloads: wl.length,
      pods: ns.pods,
      policies: policies.get(ns.name) ?? 0,
      defaultDeny: ingress && egress ? 'both' : ingress ? 'ingress only' : egress ? 'egress only' : 'none',
      neutralised,
      isolatedIngressPods: wl.filter((w) => w.ingress.isolated).reduce((n, w) => n + w.pods.length, 0),
      isolatedEgressPods: wl.filter((w) => w.egress.isolated).reduce((n, w) => n + w.pods.length, 0),
      containment: containment(exposure.filter((e) => e.namespace === ns.name)),
    };
  });
}
