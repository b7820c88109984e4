/**
 * The effective allow map of one subject in one direction, through the tiers in the order the APIs define:
 * AdminNetworkPolicy (priority order, first matching rule wins: Allow / Deny / Pass), then NetworkPolicy
 * (final for isolated pods: allow what some rule allows, deny the rest), then the
 * BaselineAdminNetworkPolicy (first matching rule), then default allow.
 */
import { AllowMap } from './allow-map.js';
import type { NamedPortBinding } from './pod-classes.js';
import type { Direction, RuleCompiler } from './rule-compiler.js';
import type { AdminPolicyModel, AdminRule } from '../model/admin-network-policy.js';
import type { NetworkPolicyModel } from '../model/network-policy.js';

export interface SubjectPolicies {
  /** NetworkPolicies that select the subject and affect this direction. */
  readonly networkPolicies: readonly NetworkPolicyModel[];
  /** AdminNetworkPolicies whose subject matches, in evaluation order. */
  readonly admin: readonly AdminPolicyModel[];
  readonly baseline: AdminPolicyModel | undefined;
}

export function effectiveAllowMap(
  compiler: RuleCompiler,
  direction: Direction,
  subject: SubjectPolicies,
  subjectNamedPorts: ReadonlyMap<string, readonly NamedPortBinding[]>,
): AllowMap {
  const space = compiler.ports;
  const full = AllowMap.rect(compiler.allPeers, space.all, space);
  const adminRuleMap = (r: AdminRule) => compiler.ruleMap(compiler.adminRulePeers(r), r.ports, direction, subjectNamedPorts);

  // Admin tier: walk every rule in order; the first match decides.
  let decided = AllowMap.EMPTY;
  let adminAllow = AllowMap.EMPTY;
  let adminDeny = AllowMap.EMPTY;
  for (const anp of subject.admin) {
    for (const rule of anp[direction]) {
      const m = adminRuleMap(rule);
      const fresh = m.subtract(decided, space);
      if (fresh.isEmpty) continue;
      if (rule.action === 'Allow') adminAllow = adminAllow.union(fresh, space);
      else if (rule.action === 'Deny') adminDeny = adminDeny.union(fresh, space);
      decided = decided.union(fresh, space);
    }
  }
  // What the admin tier passed on or did not match goes to the next tiers.
  const lower = full.subtract(adminAllow.union(adminDeny, space), space);

  if (subject.networkPolicies.length) {
    const ruleMaps: AllowMap[] = [];
    for (const np of subject.networkPolicies) {
      for (const rule of np[direction]) {
        ruleMaps.push(compiler.ruleMap(compiler.networkPolicyRulePeers(np.namespace, rule), rule.ports, direction, subjectNamedPorts));
      }
    }
    const npAllow = AllowMap.unionAll(ruleMaps, space);
    // nothing decided by the admin tier: every allowed peer and port is in `lower`
    if (adminAllow.isEmpty && adminDeny.isEmpty) return npAllow;
    return adminAllow.union(npAllow.intersect(lower, space), space);
  }

  let baselineDeny = AllowMap.EMPTY;
  if (subject.baseline) {
    let bDecided = AllowMap.EMPTY;
    for (const rule of subject.baseline[direction]) {
      const m = adminRuleMap(rule);
      const fresh = m.subtract(bDecided, space);
      if (fresh.isEmpty) continue;
      if (rule.action === 'Deny') baselineDeny = baselineDeny.union(fresh, space);
      bDecided = bDecided.union(fresh, space);
    }
  }
  return adminAllow.union(lower.subtract(baselineDeny, space), space);
}
