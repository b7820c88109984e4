/**
 * The numbers a report shows for one cluster's audit, optionally limited to some namespaces (an email
 * channel's view). Cluster-scoped findings (admin policies) count only when nothing is filtered out.
 */
import type { AllowSetAuditResult, PolicyAuditResult } from '../findings/run-audit.js';
import { SEVERITIES, type Severity } from '../findings/severity.js';
import { grade } from '../findings/exposure.js';
import type { Finding } from '../findings/finding.js';
import type { Labels } from '../model/label-selector.js';

/** Which namespaces are in view; undefined: all. */
export type NamespaceScope = ((namespace: string, labels: Labels) => boolean) | undefined;

export interface ScopedFigures extends PolicyLevelFigures {
  readonly score: number | null;
  /** Pod-weighted score sum and weight, to combine clusters. */
  readonly scoreSum: number;
  readonly scoreWeight: number;
  readonly namespacesFullDefaultDeny: number;
  readonly podsIsolatedIngress: number;
  readonly podsIsolatedEgress: number;
  readonly podsIsolatedBoth: number;
  readonly workloadsInternetIngress: number;
  readonly unlabeledPods: number;
}

export function inScope(scope: NamespaceScope, audit: AllowSetAuditResult | PolicyAuditResult, namespace: string | undefined): boolean {
  if (!scope) return true;
  if (namespace === undefined) return false;
  return scope(namespace, audit.facts.analysis.model.namespaces.get(namespace)?.labels ?? {});
}

export function scopedFindings(audit: AllowSetAuditResult | PolicyAuditResult, scope: NamespaceScope): Finding[] {
  return audit.findings.filter((f) => inScope(scope, audit, f.namespace));
}

/** What a report can count of any audit, one beyond the engine's limits included (no allow set needed). */
export interface PolicyLevelFigures {
  readonly namespaces: number;
  readonly workloads: number;
  readonly pods: number;
  readonly policies: number;
  readonly findings: Readonly<Record<Severity, number>>;
}

/** The counts any audit gives, complete or policy-level: namespaces with workloads, workloads, pods, policies, open findings. */
export function policyLevelFigures(audit: AllowSetAuditResult | PolicyAuditResult, scope: NamespaceScope): PolicyLevelFigures {
  const workloads = [...audit.facts.workloads.values()].filter((w) => inScope(scope, audit, w.namespace));
  const findings = scopedFindings(audit, scope).filter((f) => !f.suppressed);
  const model = audit.facts.analysis.model;
  return {
    namespaces: [...audit.facts.namespaces.values()].filter((n) => n.workloads.length > 0 && inScope(scope, audit, n.name)).length,
    workloads: workloads.length,
    pods: workloads.reduce((n, w) => n + w.pods.length, 0),
    policies:
      model.networkPolicies.filter((p) => inScope(scope, audit, p.namespace)).length +
      (scope ? 0 : model.adminPolicies.length + (model.baselinePolicy ? 1 : 0)),
    findings: Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<Severity, number>,
  };
}

export function scopedFigures(audit: AllowSetAuditResult, scope: NamespaceScope): ScopedFigures {
  const nsRows = audit.namespaces.filter((n) => n.workloads > 0 && inScope(scope, audit, n.namespace));
  const workloads = [...audit.facts.workloads.values()].filter((w) => inScope(scope, audit, w.namespace));
  const exposure = audit.exposure.filter((e) => inScope(scope, audit, e.namespace));
  let scoreSum = 0;
  let scoreWeight = 0;
  for (const e of exposure) {
    const w = Math.max(1, e.pods);
    scoreSum += e.score * w;
    scoreWeight += w;
  }
  const pods = (pred: (w: (typeof workloads)[number]) => boolean) => workloads.filter(pred).reduce((n, w) => n + w.pods.length, 0);
  return {
    ...policyLevelFigures(audit, scope),
    score: scoreWeight ? Math.round((scoreSum / scoreWeight) * 10) / 10 : null,
    scoreSum,
    scoreWeight,
    namespacesFullDefaultDeny: nsRows.filter((n) => n.defaultDeny === 'both' && !n.neutralised).length,
    podsIsolatedIngress: pods((w) => w.ingress.isolated),
    podsIsolatedEgress: pods((w) => w.egress.isolated),
    podsIsolatedBoth: pods((w) => w.ingress.isolated && w.egress.isolated),
    workloadsInternetIngress: exposure.filter((e) => e.internetIngress).length,
    unlabeledPods: workloads.flatMap((w) => w.pods).filter((p) => Object.keys(p.labels).length === 0).length,
  };
}

/** Figures of several clusters as one fleet. */
export function combineFigures(list: readonly ScopedFigures[]): ScopedFigures | null {
  if (!list.length) return null;
  const sum = (k: keyof Omit<ScopedFigures, 'score' | 'findings'>) => list.reduce((n, f) => n + (f[k] as number), 0);
  const scoreSum = sum('scoreSum');
  const scoreWeight = sum('scoreWeight');
  return {
    score: scoreWeight ? Math.round((scoreSum / scoreWeight) * 10) / 10 : null,
    scoreSum,
    scoreWeight,
    namespaces: sum('namespaces'),
    namespacesFullDefaultDeny: sum('namespacesFullDefaultDeny'),
    workloads: sum('workloads'),
    pods: sum('pods'),
    podsIsolatedIngress: sum('podsIsolatedIngress'),
    podsIsolatedEgress: sum('podsIsolatedEgress'),
    podsIsolatedBoth: sum('podsIsolatedBoth'),
    workloadsInternetIngress: sum('workloadsInternetIngress'),
    unlabeledPods: sum('unlabeledPods'),
    policies: sum('policies'),
    findings: Object.fromEntries(SEVERITIES.map((s) => [s, list.reduce((n, f) => n + f.findings[s], 0)])) as Record<Severity, number>,
  };
}

export function percent(part: number, whole: number): number | null {
  return whole ? Math.round((part / whole) * 1000) / 10 : null;
}

export { grade };
