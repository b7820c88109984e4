/**
 * What a policy changes: the connectivity with and without it. A policy is redundant when removing it
 * changes no connection — pod to pod or with external addresses — and nothing about pods created later
 * (a namespace default-deny is never redundant, even when every current pod has its own policy).
 *
 * Computed from the same classes and atoms, touching only what the policy can change: the classes it
 * selects are re-evaluated without it, and only the (source, destination) pairs whose egress or ingress
 * ports differ are recombined — never the whole cluster.
 */
import type { ClusterAnalysis, DirectionCoverage } from './analyse-cluster.js';
import type { AllowMap } from './allow-map.js';
import type { Bitset } from './bitset.js';
import type { NamedPortBinding } from './pod-classes.js';
import type { PortSetId } from './port-space.js';
import { effectiveAllowMap, type SubjectPolicies } from './tier-evaluation.js';
import type { AdminPolicyModel } from '../model/admin-network-policy.js';
import { NAMESPACE_NAME_LABEL } from '../model/cluster-model.js';
import { selectorMatches } from '../model/label-selector.js';
import type { NetworkPolicyModel } from '../model/network-policy.js';

export interface PolicyImpact {
  readonly policy: string;
  /** Removing it changes no connection (and nothing for pods created later). */
  readonly redundant: boolean;
  /** Classes whose effective allow set (ingress or egress) would change without it. */
  readonly changedClasses: number;
}

type AnyPolicy = NetworkPolicyModel | AdminPolicyModel;

const policiesById = new WeakMap<ClusterAnalysis, Map<string, AnyPolicy>>();

function findPolicy(analysis: ClusterAnalysis, id: string): AnyPolicy | undefined {
  let byId = policiesById.get(analysis);
  if (!byId) {
    const m = analysis.model;
    byId = new Map<string, AnyPolicy>([...m.networkPolicies, ...m.adminPolicies, ...(m.baselinePolicy ? [m.baselinePolicy] : [])].map((p) => [p.id, p]));
    policiesById.set(analysis, byId);
  }
  return byId.get(id);
}

export function policyImpact(analysis: ClusterAnalysis, policyId: string): PolicyImpact {
  const policy = findPolicy(analysis, policyId);
  if (!policy) throw new Error(`no policy ${policyId} in the analysis`);
  if (changesFuturePods(analysis, policyId)) return { policy: policyId, redundant: false, changedClasses: 0 };
  const { evaluator, compiler, ports: space } = analysis;
  const without = new Set([policyId]);
  // only the classes the policy selects can have other allow sets without it
  const newIn = new Map<number, DirectionCoverage>();
  const newOut = new Map<number, DirectionCoverage>();
  evaluator.subjectOf(policy).forEach((c) => {
    const i = evaluator.classCoverage(c, 'ingress', without);
    if (!same(i, analysis.ingress[c]!)) newIn.set(c, i);
    const o = evaluator.classCoverage(c, 'egress', without);
    if (!same(o, analysis.egress[c]!)) newOut.set(c, o);
  });
  const changedClasses = new Set([...newIn.keys(), ...newOut.keys()]).size;
  const verdict = (redundant: boolean): PolicyImpact => ({ policy: policyId, redundant, changedClasses });
  if (!changedClasses) return verdict(true);
  // external connections are decided by the pod's side alone
  const ext = compiler.allExternal;
  for (const [c, cov] of newIn) if (!cov.allow.restrict(ext, space).equals(analysis.ingress[c]!.allow.restrict(ext, space))) return verdict(false);
  for (const [c, cov] of newOut) if (!cov.allow.restrict(ext, space).equals(analysis.egress[c]!.allow.restrict(ext, space))) return verdict(false);
  // pod to pod: a pair can only change where the source's egress ports or the destination's ingress ports differ
  const outOf = (c: number) => (newOut.get(c) ?? analysis.egress[c]!).allow;
  const inOf = (c: number) => (newIn.get(c) ?? analysis.ingress[c]!).allow;
  const conn = (egress: AllowMap, ingress: AllowMap, a: number, b: number): PortSetId => space.intersect(egress.portsFor(b, space), ingress.portsFor(a, space));
  const pairChanged = (a: number, b: number) =>
    conn(analysis.egress[a]!.allow, analysis.ingress[b]!.allow, a, b) !== conn(outOf(a), inOf(b), a, b);
  for (const [a, cov] of newOut) {
    let changed = false;
    differingPeers(analysis.egress[a]!.allow, cov.allow).forEach((b) => {
      if (!changed && b < compiler.classCount && pairChanged(a, b)) changed = true;
    });
    if (changed) return verdict(false);
  }
  for (const [b, cov] of newIn) {
    let changed = false;
    differingPeers(analysis.ingress[b]!.allow, cov.allow).forEach((a) => {
      if (!changed && a < compiler.classCount && pairChanged(a, b)) changed = true;
    });
    if (changed) return verdict(false);
  }
  return verdict(true);
}

/** Peers whose allowed ports differ between two allow maps. */
function differingPeers(before: AllowMap, after: AllowMap): Bitset {
  let out = before.peers().andNot(after.peers()).or(after.peers().andNot(before.peers()));
  for (const sb of before.segments) {
    for (const sa of after.segments) if (sa.ports !== sb.ports) out = out.or(sb.peers.and(sa.peers));
  }
  return out;
}

function same(a: DirectionCoverage, b: DirectionCoverage): boolean {
  return a.allow === b.allow || a.allow.equals(b.allow);
}

/** NetworkPolicies per namespace that would select a new pod without labels (computed once per analysis). */
const unlabeledSelectors = new WeakMap<ClusterAnalysis, Map<string, NetworkPolicyModel[]>>();

/**
 * Pods that do not exist yet: an unlabeled pod in each namespace, and one in a namespace created later
 * (carrying only its name label). Whether their effective allow sets change without the policy.
 */
export function changesFuturePods(analysis: ClusterAnalysis, policyId: string): boolean {
  const { model, compiler } = analysis;
  const policy = findPolicy(analysis, policyId);
  if (!policy) return false;
  let byNs = unlabeledSelectors.get(analysis);
  if (!byNs) {
    byNs = new Map();
    for (const p of model.networkPolicies) {
      if (!selectorMatches(p.podSelector, {})) continue;
      const list = byNs.get(p.namespace);
      if (list) list.push(p);
      else byNs.set(p.namespace, [p]);
    }
    unlabeledSelectors.set(analysis, byNs);
  }
  const subjectMatches = (a: AdminPolicyModel, labels: Readonly<Record<string, string>>) =>
    selectorMatches(a.subject.namespaceSelector, labels) && (a.subject.kind === 'namespaces' || selectorMatches(a.subject.podSelector, {}));
  // the namespaces whose future pods the policy could apply to
  let namespaces: { name: string; labels: Readonly<Record<string, string>> }[];
  if ('namespace' in policy) {
    if (!selectorMatches(policy.podSelector, {})) return false;
    namespaces = [{ name: policy.namespace, labels: model.namespaces.get(policy.namespace)?.labels ?? {} }];
  } else {
    namespaces = [...model.namespaces.values()].map((n) => ({ name: n.name, labels: n.labels }));
    namespaces.push({ name: '', labels: { [NAMESPACE_NAME_LABEL]: '\u0000future' } });
    namespaces = namespaces.filter((n) => subjectMatches(policy, n.labels));
  }
  const noPorts = new Map<string, readonly NamedPortBinding[]>();
  for (const ns of namespaces) {
    const nps = byNs.get(ns.name) ?? [];
    const admin = model.adminPolicies.filter((a) => subjectMatches(a, ns.labels));
    const baseline = model.baselinePolicy && subjectMatches(model.baselinePolicy, ns.labels) ? model.baselinePolicy : undefined;
    for (const d of ['ingress', 'egress'] as const) {
      const subject = (skip?: string): SubjectPolicies => ({
        networkPolicies: nps.filter((p) => p.id !== skip && (d === 'ingress' ? p.affectsIngress : p.affectsEgress)),
        admin: admin.filter((a) => a.id !== skip && a[d].length > 0),
        baseline: baseline && baseline.id !== skip && baseline[d].length > 0 ? baseline : undefined,
      });
      if (!effectiveAllowMap(compiler, d, subject(), noPorts).equals(effectiveAllowMap(compiler, d, subject(policyId), noPorts))) return true;
    }
  }
  return false;
}
