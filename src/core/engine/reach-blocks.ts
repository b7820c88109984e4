/**
 * Pod-to-pod reach as blocks, steps 1 and 2 of the factorised engine (docs/factorised-engine.md): the reach is
 * the union over (egress rule, ingress rule) pairs of
 *
 *   sources      = the egress rule's subjects ∩ the ingress rule's peers
 *   destinations = the egress rule's peers ∩ the ingress rule's subjects
 *   ports at y   = the egress rule's ports ∩ the ingress rule's ports, both resolved on the destination y
 *
 * where a direction in which a class is not isolated counts as one rule over all peers and ports, and the admin
 * tiers turn into pieces of rules (see directionRules). NetworkPolicy rules keep their ports as written (named
 * entries included), so no class is split by its named-port bindings and no row per class is built: the work
 * is per rule pair, and a block is expanded to class pairs only on demand. Pure: no I/O.
 */
import { AllowMap, type AllowSegment } from './allow-map.js';
import { Bitset } from './bitset.js';
import { BlockPorts } from './block-ports.js';
import { peerSet, RunSet, type PeerSet } from './run-set.js';
import type { PolicyAnalysis } from './analyse-cluster.js';
import type { NamedPortBinding } from './pod-classes.js';
import type { Direction } from './rule-compiler.js';
import type { PortSetId } from './port-space.js';
import { adminDecisions, baselineDenied, type SubjectPolicies } from './tier-evaluation.js';
import type { NetworkPolicyModel } from '../model/network-policy.js';
import type { PolicyPort } from '../model/policy-port.js';

/** Ports as a rule writes them (null: every port), resolved on the destination; or a set resolved already. */
export type RulePorts = readonly PolicyPort[] | null | PortSetId;

/** One rule of one direction, over pod classes only. */
export interface ReachRule {
  /** Classes the rule applies to. */
  readonly subjects: Bitset;
  /**
   * Peer classes it allows (external peers play no part in pod-to-pod reach): as runs when that is at most
   * half the memory (run-set.ts; the form the engine settings' `peerSets` asks for).
   */
  readonly peers: PeerSet;
  /** Its ports: as written (named entries resolve on the destination), or already resolved (admin-tier pieces). */
  readonly ports: RulePorts;
  /** Ports an admin tier decided for these peers before the NetworkPolicy tier: taken out after resolving. */
  readonly minus: PortSetId;
  /** Where it comes from: `ns/name#direction[i]`, `unisolated#direction`, or `admin:...` for the admin tiers' pieces. */
  readonly id: string;
}

/**
 * A block: sources × destinations, on the ports both rules allow on each destination. A destination on which
 * the two rules leave no common port is still listed; BlockPorts tells which are connected.
 */
export interface ReachBlock {
  readonly egress: ReachRule;
  readonly ingress: ReachRule;
  readonly sources: Bitset;
  readonly destinations: Bitset;
}

/**
 * The non-empty blocks of a cluster's reach, kept as pairs of rule numbers (8 bytes a block: W3 at 100k pods
 * has about a million); a block's class sets are intersected when it is read.
 */
export class ReachBlocks {
  constructor(
    readonly egressRules: readonly ReachRule[],
    readonly ingressRules: readonly ReachRule[],
    /** Per block, its egress rule number then its ingress rule number. */
    private readonly pairs: Int32Array,
  ) {}

  get count(): number {
    return this.pairs.length >> 1;
  }

  /** The number of block k's egress rule (blocks come egress rule by egress rule). */
  egressRuleOf(k: number): number {
    return this.pairs[2 * k]!;
  }

  /** The number of block k's ingress rule. */
  ingressRuleOf(k: number): number {
    return this.pairs[2 * k + 1]!;
  }

  /** Block k's sources: its egress rule's subjects that its ingress rule admits (those subjects when all are). */
  sources(k: number): Bitset {
    const e = this.egressRules[this.egressRuleOf(k)]!;
    const i = this.ingressRules[this.ingressRuleOf(k)]!;
    return i.peers.contains(e.subjects) ? e.subjects : i.peers.and(e.subjects);
  }

  /** Block k's destinations before ports: its ingress rule's subjects the egress rule reaches (those subjects when all are). */
  destinations(k: number): Bitset {
    const e = this.egressRules[this.egressRuleOf(k)]!;
    const i = this.ingressRules[this.ingressRuleOf(k)]!;
    return e.peers.contains(i.subjects) ? i.subjects : e.peers.and(i.subjects);
  }

  block(k: number): ReachBlock {
    return { egress: this.egressRules[this.egressRuleOf(k)]!, ingress: this.ingressRules[this.ingressRuleOf(k)]!, sources: this.sources(k), destinations: this.destinations(k) };
  }
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
export function directionRules(base: PolicyAnalysis, direction: Direction, options: { readonly releasePeers?: boolean } = {}): ReachRule[] {
  const { model, compiler, evaluator, classes } = base;
  const space = compiler.ports;
  const all = compiler.allClasses;
  // peer bits below N are classes, the rest external address atoms
  const N = classes.length;
  const rules: ReachRule[] = [];
  // classes an admin tier applies to, grouped by their admin policies and whether NetworkPolicies isolate them
  // (and, when an admin rule of the group names a port, for ingress by their bindings: ingress names resolve
  // on the subject); each group's NetworkPolicies are then met once per policy, not once per combination
  type Group = { members: number[]; admin: SubjectPolicies['admin']; baseline: SubjectPolicies['baseline']; isolatedBy: Set<NetworkPolicyModel>; named: ReadonlyMap<string, readonly NamedPortBinding[]> };
  const groups = new Map<string, Group>();
  const tiered: number[] = [];
  const open: number[] = [];
  for (const c of classes) {
    const policies = evaluator.subjectPolicies(c.id, direction);
    const isolated = policies.networkPolicies.length > 0;
    const baseline = isolated ? undefined : policies.baseline;
    if (!policies.admin.length && !baseline) {
      if (!isolated) open.push(c.id);
      continue;
    }
    tiered.push(c.id);
    const adminNames = [...policies.admin, ...(baseline ? [baseline] : [])].some((a) => a[direction].some((r) => r.ports?.some((p) => p.kind === 'named')));
    const named = direction === 'ingress' && adminNames ? c.namedPorts : NO_NAMED;
    const key = `${policies.admin.map((a) => a.id).join(',')}|${baseline ? 1 : 0}|${isolated ? 1 : 0}|${named === NO_NAMED ? -1 : c.namedPortsId}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { members: [], admin: policies.admin, baseline, isolatedBy: new Set(), named }));
    g.members.push(c.id);
    for (const np of policies.networkPolicies) g.isolatedBy.add(np);
  }
  // every rule keeps its peers in compact form from the start (run-set.ts), each dense set converted once
  // (rules share their policies' peer sets; held weakly, a dense set goes with its last use), and a
  // NetworkPolicy rule's peers are its own union of the compiler's per-peer sets, not memoised there dense:
  // at W3 the dense rule-level sets alone were ~45 MB a direction of memory the process then kept
  const form = base.settings.peerSets ?? 'auto';
  const compactOf = new WeakMap<Bitset, PeerSet>();
  const compact = (b: Bitset): PeerSet => {
    let p = compactOf.get(b);
    if (!p) compactOf.set(b, (p = peerSet(b, form)));
    return p;
  };
  const tieredBits = Bitset.fromIndexes(tiered);
  for (const np of model.networkPolicies) {
    if (!(direction === 'ingress' ? np.affectsIngress : np.affectsEgress)) continue;
    const subjects = evaluator.subjectOf(np).andNot(tieredBits);
    if (subjects.isEmpty) continue;
    np[direction].forEach((rule, i) => {
      const peers = compiler.networkPolicyRulePeers(np.namespace, rule, false).below(N);
      if (!peers.isEmpty) rules.push({ subjects, peers: compact(peers), ports: rule.ports, minus: space.none, id: `${np.id}#${direction}[${i}]` });
    });
  }
  const openBits = Bitset.fromIndexes(open);
  if (!openBits.isEmpty) rules.push({ subjects: openBits, peers: compact(all), ports: null, minus: space.none, id: `unisolated#${direction}` });
  for (const [key, g] of groups) {
    const members = Bitset.fromIndexes(g.members);
    const decisions = adminDecisions(compiler, direction, g.admin, g.named);
    for (const seg of decisions.allow.segments) {
      const peers = seg.peers.below(N);
      if (!peers.isEmpty) rules.push({ subjects: members, peers: compact(peers), ports: seg.ports, minus: space.none, id: `admin:${key}#${direction}:allow` });
    }
    let decided = decisions.allow.union(decisions.deny, space);
    const id = `admin:${key}#${direction}`;
    /** A lower-tier rule cut by what the upper tiers decided: per decided segment, its ports less the decided ones. */
    const cut = (subjects: Bitset, peers: Bitset, ports: RulePorts, ruleId: string) => {
      let rest = peers;
      for (const seg of decided.segments) {
        const inside = peers.and(seg.peers);
        if (inside.isEmpty) continue;
        if (seg.ports !== space.all) rules.push({ subjects, peers: compact(inside), ports, minus: seg.ports, id: ruleId });
        rest = rest.andNot(inside);
      }
      if (!rest.isEmpty) rules.push({ subjects, peers: compact(rest), ports, minus: space.none, id: ruleId });
    };
    if (g.isolatedBy.size) {
      for (const np of g.isolatedBy) {
        const subjects = members.and(evaluator.subjectOf(np));
        np[direction].forEach((rule, i) => {
          const peers = compiler.networkPolicyRulePeers(np.namespace, rule, false).below(N);
          if (!peers.isEmpty) cut(subjects, peers, rule.ports, `${id}:${np.id}#${direction}[${i}]`);
        });
      }
    } else {
      // not isolated: what neither the admin tier decided nor the baseline denies is allowed
      if (g.baseline) decided = decided.union(baselineDenied(compiler, direction, g.baseline, g.named), space);
      cut(members, all, space.all, `${id}:unisolated`);
    }
  }
  // the compiler's memoised peer sets (W3: ~100 MB a direction, mostly wide sets now kept as runs) are let go
  // per direction when asked, so the two directions' never add up; a later reader rebuilds what it asks for.
  // Those per rule and per address range (W3: ~120 MB in all) always go: later questions are per peer
  if (options.releasePeers) compiler.forgetPeers();
  else compiler.forgetRulePeers();
  return rules;
}

/**
 * reachBlocks, letting the compiler's memoised peer sets go after each direction's rules: a lower peak for a
 * caller that holds two analyses (the block diff). The block audit keeps them: its checks ask the compiler
 * for the same peers again (rebuilding them cost W3's audit 1.4 s).
 */
export function reachBlocksReleasingPeers(base: PolicyAnalysis): ReachBlocks {
  const blocks = reachBlocks(base, directionRules(base, 'egress', { releasePeers: true }), directionRules(base, 'ingress', { releasePeers: true }));
  base.compiler.forgetPeers();
  return blocks;
}

/**
 * Every non-empty block of the cluster's reach. An egress rule only meets the ingress rules whose subjects lie
 * in a namespace its peers reach (a NetworkPolicy's subjects are one namespace's), so the pairs tried are far
 * fewer than all rule pairs; each is then checked both ways.
 */
export function reachBlocks(
  base: PolicyAnalysis,
  egressRules: readonly ReachRule[] = directionRules(base, 'egress'),
  ingressRules: readonly ReachRule[] = directionRules(base, 'ingress'),
): ReachBlocks {
  const N = base.classes.length;
  const nsOfClass = new Int32Array(N);
  let nsCount = 0;
  for (const [first, end] of base.index.namespaceRange.values()) nsOfClass.fill(nsCount++, first, end);
  /** Namespaces with a class in a set, each once. */
  const seen = new Int32Array(nsCount);
  let calls = 0;
  const namespacesOf = (set: PeerSet): number[] => {
    const stamp = ++calls;
    const out: number[] = [];
    if (set instanceof RunSet) {
      // classes are numbered namespace by namespace: a run's namespaces are those of its ends and all between
      set.forEachRun((first, end) => {
        for (let ns = nsOfClass[first]!; ns <= nsOfClass[end - 1]!; ns++) {
          if (seen[ns] === stamp) continue;
          seen[ns] = stamp;
          out.push(ns);
        }
      });
      return out;
    }
    const words = set.words;
    for (let w = 0; w < words.length; w++) {
      let word = words[w]!;
      if (word === 0) continue;
      const base32 = (set.offset + w) << 5;
      // a word usually lies in one namespace: its first and last set bits tell
      const lo = base32 + 31 - Math.clz32(word & -word);
      const hi = base32 + 31 - Math.clz32(word);
      if (nsOfClass[lo] === nsOfClass[hi]) word = word & -word;
      while (word) {
        const t = word & -word;
        const ns = nsOfClass[base32 + 31 - Math.clz32(t)]!;
        if (seen[ns] !== stamp) {
          seen[ns] = stamp;
          out.push(ns);
        }
        word ^= t;
      }
    }
    return out;
  };
  // ingress rules by the namespaces of their subjects and by those of their peers: an egress rule meets only
  // the rules in both the namespaces its peers reach and those its subjects are in; it walks the shorter list
  const bySubjectNs: number[][] = Array.from({ length: nsCount }, () => []);
  const byPeerNs: number[][] = Array.from({ length: nsCount }, () => []);
  ingressRules.forEach((r, i) => {
    for (const ns of namespacesOf(r.subjects)) bySubjectNs[ns]!.push(i);
    for (const ns of namespacesOf(r.peers)) byPeerNs[ns]!.push(i);
  });
  const tried = new Int32Array(ingressRules.length).fill(-1);
  let pairs = new Int32Array(1 << 16);
  let n = 0;
  const listed = (index: number[][], namespaces: number[]) => namespaces.reduce((sum, ns) => sum + index[ns]!.length, 0);
  egressRules.forEach((e, ei) => {
    const peerNs = namespacesOf(e.peers);
    const subjectNs = namespacesOf(e.subjects);
    const [index, namespaces] = listed(bySubjectNs, peerNs) <= listed(byPeerNs, subjectNs) ? [bySubjectNs, peerNs] : [byPeerNs, subjectNs];
    for (const ns of namespaces) {
      for (const ii of index[ns]!) {
        if (tried[ii] === ei) continue;
        tried[ii] = ei;
        const i = ingressRules[ii]!;
        if (!e.peers.intersects(i.subjects) || !i.peers.intersects(e.subjects)) continue;
        if (n + 2 > pairs.length) {
          const grown = new Int32Array(pairs.length * 2);
          grown.set(pairs);
          pairs = grown;
        }
        pairs[n++] = ei;
        pairs[n++] = ii;
      }
    }
  });
  return new ReachBlocks(egressRules, ingressRules, pairs.slice(0, n));
}

/**
 * Expands blocks to one reach row per source class (destinations with the ports both ends allow), the form
 * `completeAnalysis` gives: for checking blocks against the engine and for small clusters, never at scale.
 */
export function expandReach(base: PolicyAnalysis, reach: ReachBlocks, ports: BlockPorts = new BlockPorts(base)): AllowMap[] {
  const { compiler, classes } = base;
  const space = compiler.ports;
  const rows: Map<number, PortSetId>[] = classes.map(() => new Map());
  for (let k = 0; k < reach.count; k++) {
    const b = reach.block(k);
    const eg = b.egress;
    const ing = b.ingress;
    b.destinations.forEach((y) => {
      const allowed = space.intersect(ports.portsOn(eg, y), ports.portsOn(ing, y));
      if (allowed === space.none) return;
      b.sources.forEach((x) => {
        const row = rows[x]!;
        const had = row.get(y);
        row.set(y, had === undefined ? allowed : space.union(had, allowed));
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
