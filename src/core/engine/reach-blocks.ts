/**
 * Pod-to-pod reach as blocks, steps 1 and 2 of the factorised engine (docs/factorised-engine.md): the reach is
 * the union over (egress rule, ingress rule) pairs of
 *
 *   sources      = the egress rule's subjects ∩ the ingress rule's peers
 *   destinations = the egress rule's peers ∩ the ingress rule's subjects
 *   ports at y   = the egress rule's ports ∩ the ingress rule's ports, both resolved on the destination y
 *
 * where a direction in which a class is not isolated counts as one rule over all peers and ports, and the admin
 * tiers turn into pieces of rules (see directionRules). NetworkPolicy rules keep
 * their ports as written (named entries included), so no class is split by its named-port bindings and no
 * row per class is built: the work is per rule pair, and a block is expanded to class pairs only on demand.
 * Pure: no I/O.
 */
import { AllowMap, type AllowSegment } from './allow-map.js';
import { Bitset } from './bitset.js';
import type { PolicyAnalysis } from './analyse-cluster.js';
import type { NamedPortBinding } from './pod-classes.js';
import type { Direction } from './rule-compiler.js';
import type { PortSetId } from './port-space.js';
import { adminDecisions, baselineDenied, type SubjectPolicies } from './tier-evaluation.js';
import type { PolicyPort } from '../model/policy-port.js';

/** Ports as a rule writes them (null: every port), resolved on the destination; or a set resolved already. */
export type RulePorts = readonly PolicyPort[] | null | PortSetId;

/** One rule of one direction, over pod classes only. */
export interface ReachRule {
  /** Classes the rule applies to. */
  readonly subjects: Bitset;
  /** Peer classes it allows (external peers play no part in pod-to-pod reach). */
  readonly peers: Bitset;
  /** Its ports: as written (named entries resolve on the destination), or already resolved (admin-tier pieces). */
  readonly ports: RulePorts;
  /** Ports an admin tier decided for these peers before the NetworkPolicy tier: taken out after resolving. */
  readonly minus: PortSetId;
  /** Where it comes from: `ns/name#direction[i]`, `unisolated#direction`, or `admin:...` for the admin tiers' pieces. */
  readonly id: string;
}

export interface ReachBlock {
  readonly egress: ReachRule;
  readonly ingress: ReachRule;
  readonly sources: Bitset;
  readonly destinations: Bitset;
}

export interface ReachBlocks {
  readonly egressRules: readonly ReachRule[];
  readonly ingressRules: readonly ReachRule[];
  readonly blocks: readonly ReachBlock[];
}

const NO_NAMED: ReadonlyMap<string, readonly NamedPortBinding[]> = new Map();

/**
 * The rules of one direction as pieces whose union is every class's effective allow set over peer classes:
 * - classes no admin tier touches: their NetworkPolicy rules as written, or, for classes no policy isolates,
 *   one rule over all peers and ports;
 * - classes an AdminNetworkPolicy (or, when no NetworkPolicy isolates them, the baseline) applies to, grouped
 *   by their policies: the admin tier's Allow regions, and the lower tiers cut by what the admin tier decided.
 *   The admin rules are evaluated on resolved ports (first match per actual port: a Deny on 8080 shadows a
 *   later Allow of a name that a pod binds to 8080), the NetworkPolicy rules keep their names.
 */
export function directionRules(base: PolicyAnalysis, direction: Direction): ReachRule[] {
  const { model, compiler, evaluator, classes } = base;
  const space = compiler.ports;
  const all = compiler.allClasses;
  const rules: ReachRule[] = [];
  // classes an admin tier applies to, grouped by their policies (and, when an admin rule of the group names
  // a port, for ingress by their bindings: ingress names resolve on the subject)
  const groups = new Map<string, { members: number[]; policies: SubjectPolicies; named: ReadonlyMap<string, readonly NamedPortBinding[]> }>();
  const tiered: number[] = [];
  const open: number[] = [];
  for (const c of classes) {
    const policies = evaluator.subjectPolicies(c.id, direction);
    const isolated = policies.networkPolicies.length > 0;
    if (!policies.admin.length && !(policies.baseline && !isolated)) {
      if (!isolated) open.push(c.id);
      continue;
    }
    tiered.push(c.id);
    const adminNames = [...policies.admin, ...(policies.baseline && !isolated ? [policies.baseline] : [])].some((a) => a[direction].some((r) => r.ports?.some((p) => p.kind === 'named')));
    const named = direction === 'ingress' && adminNames ? c.namedPorts : NO_NAMED;
    const key = `${policies.networkPolicies.map((p) => p.id).join(',')}|${policies.admin.map((a) => a.id).join(',')}|${policies.baseline && !isolated ? 1 : 0}|${named === NO_NAMED ? -1 : c.namedPortsId}`;
    const g = groups.get(key);
    if (g) g.members.push(c.id);
    else groups.set(key, { members: [c.id], policies, named });
  }
  const tieredBits = Bitset.fromIndexes(tiered);
  for (const np of model.networkPolicies) {
    if (!(direction === 'ingress' ? np.affectsIngress : np.affectsEgress)) continue;
    const subjects = evaluator.subjectOf(np).andNot(tieredBits);
    if (subjects.isEmpty) continue;
    np[direction].forEach((rule, i) => {
      const peers = compiler.networkPolicyRulePeers(np.namespace, rule).and(all);
      if (!peers.isEmpty) rules.push({ subjects, peers, ports: rule.ports, minus: space.none, id: `${np.id}#${direction}[${i}]` });
    });
  }
  const openBits = Bitset.fromIndexes(open);
  if (!openBits.isEmpty) rules.push({ subjects: openBits, peers: all, ports: null, minus: space.none, id: `unisolated#${direction}` });
  for (const [key, g] of groups) {
    const subjects = Bitset.fromIndexes(g.members);
    const { networkPolicies, admin, baseline } = g.policies;
    const decisions = adminDecisions(compiler, direction, admin, g.named);
    for (const seg of decisions.allow.segments) {
      const peers = seg.peers.and(all);
      if (!peers.isEmpty) rules.push({ subjects, peers, ports: seg.ports, minus: space.none, id: `admin:${key}#${direction}:allow` });
    }
    let decided = decisions.allow.union(decisions.deny, space);
    const id = `admin:${key}#${direction}`;
    /** A lower-tier rule cut by what the upper tiers decided: per decided segment, its ports less the decided ones. */
    const cut = (peers: Bitset, ports: RulePorts, ruleId: string) => {
      let rest = peers;
      for (const seg of decided.segments) {
        const inside = peers.and(seg.peers);
        if (inside.isEmpty) continue;
        rules.push({ subjects, peers: inside, ports, minus: seg.ports, id: ruleId });
        rest = rest.andNot(inside);
      }
      if (!rest.isEmpty) rules.push({ subjects, peers: rest, ports, minus: space.none, id: ruleId });
    };
    if (networkPolicies.length) {
      for (const np of networkPolicies) {
        np[direction].forEach((rule, i) => {
          const peers = compiler.networkPolicyRulePeers(np.namespace, rule).and(all);
          if (!peers.isEmpty) cut(peers, rule.ports, `${id}:${np.id}#${direction}[${i}]`);
        });
      }
    } else {
      // not isolated: what neither the admin tier decided nor the baseline denies is allowed
      if (baseline) decided = decided.union(baselineDenied(compiler, direction, baseline, g.named), space);
      cut(all, space.all, `${id}:unisolated`);
    }
  }
  return rules;
}

/** Every non-empty block of the cluster's reach. */
export function reachBlocks(base: PolicyAnalysis): ReachBlocks {
  const egressRules = directionRules(base, 'egress');
  const ingressRules = directionRules(base, 'ingress');
  const blocks: ReachBlock[] = [];
  for (const e of egressRules) {
    for (const i of ingressRules) {
      if (!e.peers.intersects(i.subjects) || !i.peers.intersects(e.subjects)) continue;
      blocks.push({ egress: e, ingress: i, sources: e.subjects.and(i.peers), destinations: e.peers.and(i.subjects) });
    }
  }
  return { egressRules, ingressRules, blocks };
}

/**
 * Expands blocks to one reach row per source class (destinations with the ports both ends allow), the form
 * `completeAnalysis` gives: for checking blocks against the engine and for small clusters, never at scale.
 */
export function expandReach(base: PolicyAnalysis, reach: ReachBlocks): AllowMap[] {
  const { compiler, classes } = base;
  const space = compiler.ports;
  // a rule's ports on a destination depend only on the destination's named-port bindings
  const memo = new Map<readonly PolicyPort[], Map<number, PortSetId>>();
  const portsOn = (rule: ReachRule, y: number): PortSetId => {
    const written = resolvedOn(rule.ports, y);
    return rule.minus === space.none ? written : space.subtract(written, rule.minus);
  };
  const resolvedOn = (ports: RulePorts, y: number): PortSetId => {
    if (ports === null) return space.all;
    if (typeof ports === 'number') return ports;
    const c = classes[y]!;
    let byBinding = memo.get(ports);
    if (!byBinding) memo.set(ports, (byBinding = new Map()));
    let id = byBinding.get(c.namedPortsId);
    if (id === undefined) {
      id = compiler.numericPorts(ports);
      for (const p of ports) if (p.kind === 'named') id = space.union(id, compiler.namedPortsOn(p, c.namedPorts.get(p.name)));
      byBinding.set(c.namedPortsId, id);
    }
    return id;
  };
  const rows: Map<number, PortSetId>[] = classes.map(() => new Map());
  for (const b of reach.blocks) {
    const eg = b.egress;
    const ing = b.ingress;
    b.destinations.forEach((y) => {
      const ports = space.intersect(portsOn(eg, y), portsOn(ing, y));
      if (ports === space.none) return;
      b.sources.forEach((x) => {
        const row = rows[x]!;
        const had = row.get(y);
        row.set(y, had === undefined ? ports : space.union(had, ports));
      });
    });
  }
  return rows.map((row) => {
    const byPorts = new Map<PortSetId, number[]>();
    for (const [y, ports] of row) {
      const list = byPorts.get(ports);
      if (list) list.push(y);
      else byPorts.set(ports, [y]);
    }
    const pieces: AllowSegment[] = [...byPorts].map(([ports, ys]) => ({ peers: Bitset.fromIndexes(ys), ports }));
    return AllowMap.fromDisjoint(pieces, space);
  });
}
