/**
 * The effective allow map of one subject in one direction, through the tiers in the order the APIs define:
 * AdminNetworkPolicy (priority order, first matching rule wins: Allow / Deny / Pass), then NetworkPolicy
 * (final for isolated pods: allow what some rule allows, deny the rest), then the
 * BaselineAdminNetworkPolicy (first matching rule), then default allow.
 */
import { AllowMap } from './allow-map.js';
import type { Bitset } from './bitset.js';
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

/** What the admin tier decides for a subject: Allow and Deny regions (first matching rule wins; Pass decides neither). */
export interface AdminDecisions {
  readonly allow: AllowMap;
  readonly deny: AllowMap;
}

export function adminDecisions(
  compiler: RuleCompiler,
  direction: Direction,
  admin: readonly AdminPolicyModel[],
  subjectNamedPorts: ReadonlyMap<string, readonly NamedPortBinding[]>,
  scope?: Bitset,
): AdminDecisions {
  return firstMatch(compiler, direction, admin.flatMap((anp) => anp[direction]), subjectNamedPorts, scope);
}

/** What the baseline denies for a subject the NetworkPolicy tier leaves open (first matching rule wins). */
export function baselineDenied(
  compiler: RuleCompiler,
  direction: Direction,
  baseline: AdminPolicyModel,
  subjectNamedPorts: ReadonlyMap<string, readonly NamedPortBinding[]>,
  scope?: Bitset,
): AllowMap {
  return firstMatch(compiler, direction, baseline[direction], subjectNamedPorts, scope).deny;
}

/** Rules walked in order, each deciding what no earlier rule matched: the regions they Allow and Deny. */
function firstMatch(
  compiler: RuleCompiler,
  direction: Direction,
  rules: readonly AdminRule[],
  named: ReadonlyMap<string, readonly NamedPortBinding[]>,
  scope: Bitset | undefined,
): AdminDecisions {
  const space = compiler.ports;
  let decided = AllowMap.EMPTY;
  let allow = AllowMap.EMPTY;
  let deny = AllowMap.EMPTY;
  for (const rule of rules) {
    const fresh = compiler.ruleMap(compiler.adminRulePeersWithin(rule, scope), rule.ports, direction, named).subtract(decided, space);
    if (fresh.isEmpty) continue;
    if (rule.action === 'Allow') allow = allow.union(fresh, space);
    else if (rule.action === 'Deny') deny = deny.union(fresh, space);
    decided = decided.union(fresh, space);
  }
  return { allow, deny };
}

/**
 * `scope`, when given, restricts the map to those peers (e.g. the external address atoms alone): the same
 * map as without it, restricted, at the cost of the scope's peers only.
 */
export function effectiveAllowMap(
  compiler: RuleCompiler,
  direction: Direction,
  subject: SubjectPolicies,
  subjectNamedPorts: ReadonlyMap<string, readonly NamedPortBinding[]>,
  scope?: Bitset,
): AllowMap {
  const space = compiler.ports;
  const full = AllowMap.rect(scope ?? compiler.allPeers, space.all, space);
  // Admin tier: the first matching rule decides.
  const { allow: adminAllow, deny: adminDeny } = adminDecisions(compiler, direction, subject.admin, subjectNamedPorts, scope);
  // What the admin tier passed on or did not match goes to the next tiers.
  const lower = full.subtract(adminAllow.union(adminDeny, space), space);

  if (subject.networkPolicies.length) {
    const ruleMaps: AllowMap[] = [];
    for (const np of subject.networkPolicies) {
      for (const rule of np[direction]) {
        ruleMaps.push(compiler.ruleMap(compiler.networkPolicyRulePeersWithin(np.namespace, rule, scope), rule.ports, direction, subjectNamedPorts));
      }
    }
    const npAllow = AllowMap.unionAll(ruleMaps, space);
    // nothing decided by the admin tier: every allowed peer and port is in `lower`
    if (adminAllow.isEmpty && adminDeny.isEmpty) return npAllow;
    return adminAllow.union(npAllow.intersect(lower, space), space);
  }
  const baselineDeny = subject.baseline ? baselineDenied(compiler, direction, subject.baseline, subjectNamedPorts, scope) : AllowMap.EMPTY;
  return adminAllow.union(lower.subtract(baselineDeny, space), space);
}
