/**
 * Exposure and blast radius per workload, and the containment score.
 *
 * Containment score of a workload (0-100):
 *   25 if it is effectively isolated for ingress + 25 if for egress
 *   + 25 x (1 - share of the other workloads that can reach it)
 *   + 25 x (1 - share of the other workloads it can reach)
 * A namespace's and the cluster's score are the pod-weighted means of their workloads' scores.
 * Grades: A >= 90, B >= 80, C >= 70, D >= 60, F below.
 */
import type { AllowSetFacts, WorkloadFacts } from './audit-facts.js';
import { NAMESPACE_NAME_LABEL } from '../model/cluster-model.js';
import type { LabelSelector } from '../model/label-selector.js';
import type { AdminPolicyModel } from '../model/admin-network-policy.js';
import type { NetworkPolicyModel } from '../model/network-policy.js';
import { describePolicy, peerKey } from './policy-walk.js';

export interface WorkloadExposure {
  readonly workload: string;
  readonly namespace: string;
  readonly pods: number;
  readonly reaches: { readonly workloads: number; readonly namespaces: number };
  readonly reachedFrom: { readonly workloads: number; readonly namespaces: number };
  readonly internetIngress: boolean;
  readonly internetEgress: boolean;
  /** Rules admitting traffic to it from namespaces that do not exist yet (e.g. `namespaceSelector: {}`). */
  readonly admitsFutureNamespaces: readonly string[];
  readonly isolatedIngress: boolean;
  readonly isolatedEgress: boolean;
  readonly score: number;
}

export interface ScoreSummary {
  readonly score: number;
  readonly grade: string;
}

export function grade(score: number): string {
  return score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';
}

/** Whether a namespace selector would match a new namespace carrying only its name label. */
function matchesNewNamespace(sel: LabelSelector): boolean {
  return sel.requirements.every((r) => (r.operator === 'NotIn' || r.operator === 'DoesNotExist') && (r.key !== NAMESPACE_NAME_LABEL || r.operator === 'NotIn'));
}

function futureNamespaceRules(facts: AllowSetFacts, w: WorkloadFacts, byId: PolicyIndex): string[] {
  const out: string[] = [];
  for (const id of w.ingress.networkPolicies) {
    const np = byId.np.get(id);
    if (!np) continue;
    np.ingress.forEach((rule, i) => {
      if (rule.peers === null) {
        out.push(`${describePolicy(np)} spec.ingress[${i}] (every source)`);
        return;
      }
      rule.peers.forEach((peer, j) => {
        if (peer.kind === 'pods' && peer.namespaceSelector && matchesNewNamespace(peer.namespaceSelector)) out.push(`${describePolicy(np)} spec.ingress[${i}].${peerKey('ingress')}[${j}]`);
      });
    });
  }
  for (const id of w.ingress.adminPolicies) {
    const anp = byId.admin.get(id);
    anp?.ingress.forEach((rule, i) => {
      if (rule.action !== 'Allow') return;
      rule.peers.forEach((peer, j) => {
        if ((peer.kind === 'namespaces' || peer.kind === 'pods') && matchesNewNamespace(peer.namespaceSelector)) out.push(`${describePolicy(anp)} spec.ingress[${i}].from[${j}]`);
      });
    });
  }
  return out;
}

interface PolicyIndex {
  readonly np: ReadonlyMap<string, NetworkPolicyModel>;
  readonly admin: ReadonlyMap<string, AdminPolicyModel>;
}

export function workloadExposure(facts: AllowSetFacts): WorkloadExposure[] {
  const { model } = facts.analysis;
  const byId: PolicyIndex = { np: new Map(model.networkPolicies.map((p) => [p.id, p])), admin: new Map(model.adminPolicies.map((p) => [p.id, p])) };
  const total = facts.workloads.size;
  const others = Math.max(1, total - 1);
  return [...facts.workloads.values()].map((w) => {
    const inFrac = total > 1 ? w.ingress.peerCount / others : 0;
    const outFrac = total > 1 ? w.egress.peerCount / others : 0;
    const score = (w.ingress.isolated ? 25 : 0) + (w.egress.isolated ? 25 : 0) + 25 * (1 - inFrac) + 25 * (1 - outFrac);
    return {
      workload: w.key,
      namespace: w.namespace,
      pods: w.pods.length,
      reaches: { workloads: w.egress.peerCount, namespaces: w.egress.peerNamespaces.size },
      reachedFrom: { workloads: w.ingress.peerCount, namespaces: w.ingress.peerNamespaces.size },
      internetIngress: w.ingress.internet.length > 0,
      internetEgress: w.egress.internet.length > 0,
      admitsFutureNamespaces: futureNamespaceRules(facts, w, byId),
      isolatedIngress: w.ingress.isolated,
      isolatedEgress: w.egress.isolated,
      score: Math.round(score * 10) / 10,
    };
  });
}

/** Pod-weighted mean score of a set of workloads (workloads without pods weigh 1). */
export function containment(exposures: readonly WorkloadExposure[]): ScoreSummary {
  if (!exposures.length) return { score: 100, grade: 'A' };
  let sum = 0;
  let weight = 0;
  for (const e of exposures) {
    const w = Math.max(1, e.pods);
    sum += e.score * w;
    weight += w;
  }
  const score = Math.round((sum / weight) * 10) / 10;
  return { score, grade: grade(score) };
}
