/**
 * What a policy changes: the connectivity with and without it. A policy is redundant when removing it
 * changes no connection — pod to pod or with external addresses — and nothing about pods created later
 * (a namespace default-deny is never redundant, even when every current pod has its own policy). Computed from the same classes and
 * atoms: only the groups the policy touches are re-evaluated, and only the reach of sources that could
 * see a difference is recombined.
 */
import type { ClusterAnalysis, DirectionCoverage } from './analyse-cluster.js';
import { combineDirections } from './analyse-cluster.js';
import { Bitset } from './bitset.js';
import type { NamedPortBinding } from './pod-classes.js';
import { effectiveAllowMap, type SubjectPolicies } from './tier-evaluation.js';
import type { AdminPolicyModel } from '../model/admin-network-policy.js';
import { NAMESPACE_NAME_LABEL } from '../model/cluster-model.js';
import { selectorMatches } from '../model/label-selector.js';

export interface PolicyImpact {
  readonly policy: string;
  /** Removing it changes no connection. */
  readonly redundant: boolean;
  /** Classes whose effective allow set (ingress or egress) would change without it. */
  readonly changedClasses: number;
}

export function policyImpact(analysis: ClusterAnalysis, policyId: string): PolicyImpact {
  const { evaluator, compiler, classes } = analysis;
  const without = new Set([policyId]);
  // a policy that decides what pods created later may do is never redundant
  if (changesFuturePods(analysis, policyId)) return { policy: policyId, redundant: false, changedClasses: 0 };
  const ingress = evaluator.coverage('ingress', without);
  const egress = evaluator.coverage('egress', without);
  const changedIn: number[] = [];
  const changedOut: number[] = [];
  for (let c = 0; c < classes.length; c++) {
    if (!sameAllow(ingress[c]!, analysis.ingress[c]!)) changedIn.push(c);
    if (!sameAllow(egress[c]!, analysis.egress[c]!)) changedOut.push(c);
  }
  const changedClasses = new Set([...changedIn, ...changedOut]).size;
  if (!changedClasses) return { policy: policyId, redundant: true, changedClasses };
  // external connections are decided by one side only
  for (const c of changedIn) if (!externalEqual(analysis, ingress[c]!, analysis.ingress[c]!)) return { policy: policyId, redundant: false, changedClasses };
  for (const c of changedOut) if (!externalEqual(analysis, egress[c]!, analysis.egress[c]!)) return { policy: policyId, redundant: false, changedClasses };
  // pod-to-pod: sources whose egress changed, and sources any changed ingress map admits (before or after)
  let affected = Bitset.fromIndexes(changedOut);
  for (const c of changedIn) {
    affected = affected.or(analysis.ingress[c]!.allow.peers().and(compiler.allClasses));
    affected = affected.or(ingress[c]!.allow.peers().and(compiler.allClasses));
  }
  const sources = affected.toArray();
  const reach = combineDirections(classes.length, ingress, egress, compiler, sources);
  const redundant = sources.every((a) => reach[a]!.equals(analysis.reach[a]!));
  return { policy: policyId, redundant, changedClasses };
}

/**
 * Pods that do not exist yet: an unlabeled pod in each namespace, and one in a namespace created later
 * (carrying only its name label). Whether their effective allow sets change without the policy.
 */
export function changesFuturePods(analysis: ClusterAnalysis, policyId: string): boolean {
  const { model, compiler } = analysis;
  const namespaces = [...model.namespaces.values()].map((n) => ({ name: n.name, labels: n.labels }));
  namespaces.push({ name: '', labels: { [NAMESPACE_NAME_LABEL]: '\u0000future' } });
  const noPorts = new Map<string, readonly NamedPortBinding[]>();
  for (const ns of namespaces) {
    const nps = model.networkPolicies.filter((p) => p.namespace === ns.name && selectorMatches(p.podSelector, {}));
    const subjectMatches = (a: AdminPolicyModel) =>
      selectorMatches(a.subject.namespaceSelector, ns.labels) && (a.subject.kind === 'namespaces' || selectorMatches(a.subject.podSelector, {}));
    const admin = model.adminPolicies.filter(subjectMatches);
    const baseline = model.baselinePolicy && subjectMatches(model.baselinePolicy) ? model.baselinePolicy : undefined;
    const involved = nps.some((p) => p.id === policyId) || admin.some((a) => a.id === policyId) || baseline?.id === policyId;
    if (!involved) continue;
    for (const d of ['ingress', 'egress'] as const) {
      const subject = (skip?: string): SubjectPolicies => ({
        networkPolicies: nps.filter((p) => p.id !== skip && (d === 'ingress' ? p.affectsIngress : p.affectsEgress)),
        admin: admin.filter((a) => a.id !== skip && a[d].length > 0),
        baseline: baseline && baseline.id !== skip && baseline[d].length > 0 ? baseline : undefined,
      });
      const withIt = effectiveAllowMap(compiler, d, subject(), noPorts);
      const withoutIt = effectiveAllowMap(compiler, d, subject(policyId), noPorts);
      if (!withIt.equals(withoutIt)) return true;
    }
  }
  return false;
}

function sameAllow(a: DirectionCoverage, b: DirectionCoverage): boolean {
  return a.allow === b.allow || a.allow.equals(b.allow);
}

function externalEqual(analysis: ClusterAnalysis, a: DirectionCoverage, b: DirectionCoverage): boolean {
  const ext = analysis.compiler.allExternal;
  return a.allow.restrict(ext, analysis.ports).equals(b.allow.restrict(ext, analysis.ports));
}
