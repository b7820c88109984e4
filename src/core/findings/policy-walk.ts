/** Walks every policy rule and peer with its field path, for rule-level checks. */
import type { AdminPolicyModel, AdminPeer, AdminRule } from '../model/admin-network-policy.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { NetworkPolicyModel, NetworkPolicyPeer, NetworkPolicyRule } from '../model/network-policy.js';
import type { Direction } from './audit-facts.js';

export interface NetworkPolicyRuleRef {
  readonly kind: 'np';
  readonly policy: NetworkPolicyModel;
  readonly direction: Direction;
  readonly index: number;
  readonly rule: NetworkPolicyRule;
  /** e.g. `spec.ingress[0]` */
  readonly path: string;
}

export interface AdminRuleRef {
  readonly kind: 'admin';
  readonly policy: AdminPolicyModel;
  readonly direction: Direction;
  readonly index: number;
  readonly rule: AdminRule;
  readonly path: string;
}

export function networkPolicyRules(model: ClusterModel): NetworkPolicyRuleRef[] {
  const out: NetworkPolicyRuleRef[] = [];
  for (const policy of model.networkPolicies) {
    for (const direction of ['ingress', 'egress'] as const) {
      policy[direction].forEach((rule, index) => out.push({ kind: 'np', policy, direction, index, rule, path: `spec.${direction}[${index}]` }));
    }
  }
  return out;
}

export function adminRules(model: ClusterModel): AdminRuleRef[] {
  const out: AdminRuleRef[] = [];
  const all = [...model.adminPolicies, ...(model.baselinePolicy ? [model.baselinePolicy] : [])];
  for (const policy of all) {
    for (const direction of ['ingress', 'egress'] as const) {
      policy[direction].forEach((rule, index) => out.push({ kind: 'admin', policy, direction, index, rule, path: `spec.${direction}[${index}]` }));
    }
  }
  return out;
}

export function peerKey(direction: Direction): 'from' | 'to' {
  return direction === 'ingress' ? 'from' : 'to';
}

/** Policy id as findings show it: `namespace/name` for NetworkPolicies, `anp/name` / `banp/name` otherwise. */
export function policyId(p: NetworkPolicyModel | AdminPolicyModel): string {
  return p.id;
}

export function policyNamespace(p: NetworkPolicyModel | AdminPolicyModel): string | undefined {
  return 'namespace' in p ? p.namespace : undefined;
}

export function describePolicy(p: NetworkPolicyModel | AdminPolicyModel): string {
  if ('namespace' in p) return `NetworkPolicy ${p.namespace}/${p.name}`;
  return p.tier === 'admin' ? `AdminNetworkPolicy ${p.name}` : `BaselineAdminNetworkPolicy ${p.name}`;
}

export type AnyPeer = NetworkPolicyPeer | AdminPeer;
