/**
 * Facts about one analysed cluster that checks, exposure scores and reports read: per workload its pods,
 * effective isolation, reach (workloads and namespaces, both ways) and internet exposure; per namespace
 * its default-deny posture. Computed once from the engine's results, never guessed from policy shapes.
 */
import { combineDirections, type ClusterAnalysis, type DirectionCoverage, type PolicyAnalysis } from '../engine/analyse-cluster.js';
import { Bitset } from '../engine/bitset.js';
import type { AllowMap } from '../engine/allow-map.js';
import type { PortSetId } from '../engine/port-space.js';
import { workloadClasses } from '../engine/workload-connectivity.js';
import type { AdminPeer } from '../model/admin-network-policy.js';
import { isPodOf, type PodModel } from '../model/cluster-model.js';
import type { AddressRange } from '../model/ip-address.js';
import { parseWorkloadKey } from '../model/workload.js';
import { publicParts } from './public-address.js';

export type Direction = 'ingress' | 'egress';

export interface DirectionFacts {
  /**
   * Isolated: traffic is denied unless a rule allows it — the pods are selected by a NetworkPolicy for the
   * direction, or an admin policy denies every namespace by default — and the effective allow set is not
   * everything (an allow-all rule neutralises isolation). A deny of a few addresses alone is not isolation.
   */
  readonly isolated: boolean;
  /** The effective allow set is everything: all peers, all ports. */
  readonly open: boolean;
  /** NetworkPolicies selecting the workload's pods for this direction. */
  readonly networkPolicies: readonly string[];
  readonly adminPolicies: readonly string[];
  readonly baseline: boolean;
  /** Classes of the pods it can reach (egress) or that can reach it (ingress); its own may be among them. */
  readonly peerClasses: Bitset;
  /** Other workloads it can reach / that can reach it. */
  readonly peerCount: number;
  /** Namespaces of those workloads (its own included when a neighbour is a peer). */
  readonly peerNamespaces: ReadonlySet<string>;
  /** Public internet ranges allowed (to it for ingress, from it for egress), with port sets. */
  readonly internet: readonly { range: AddressRange; ports: PortSetId }[];
  /** Any external address allowed at all (private ranges included). */
  readonly external: boolean;
}

/** A workload as the policy level knows it: its pods and classes, without allow sets. */
export interface WorkloadInventory {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly pods: readonly PodModel[];
  readonly classes: readonly number[];
  readonly hostNetwork: boolean;
}

export interface WorkloadFacts extends WorkloadInventory {
  readonly ingress: DirectionFacts;
  readonly egress: DirectionFacts;
}

export interface NamespaceFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly workloads: readonly string[];
  readonly pods: number;
  /** NetworkPolicies with an empty podSelector affecting the direction (they isolate every pod, future ones too). */
  readonly defaultDeny: Readonly<Record<Direction, readonly string[]>>;
}

/**
 * Facts that need no allow set: the policies, pods, workloads and namespaces. Available for every cluster,
 * including one beyond the engine's limits, so the policy-level checks can always run.
 */
export interface PolicyFacts {
  readonly analysis: PolicyAnalysis;
  readonly workloads: ReadonlyMap<string, WorkloadInventory>;
  readonly namespaces: ReadonlyMap<string, NamespaceFacts>;
}

export interface AuditFacts extends PolicyFacts {
  readonly analysis: ClusterAnalysis;
  readonly workloads: ReadonlyMap<string, WorkloadFacts>;
  /** Workload keys behind peer classes, other than `self`, sorted; at most `limit` (default all). */
  peerWorkloads(classes: Bitset, self: string, limit?: number): string[];
  /** How many workloads outside one namespace are behind peer classes (memoised per peer set). */
  countPeerWorkloadsOutside(classes: Bitset, namespace: string): number;
}

/** An admin peer covering every namespace (the catch-all of an admin default-deny). */
function deniesEveryNamespace(peer: AdminPeer): boolean {
  if (peer.kind === 'namespaces') return peer.namespaceSelector.requirements.length === 0;
  if (peer.kind === 'pods') return peer.namespaceSelector.requirements.length === 0 && peer.podSelector.requirements.length === 0;
  return peer.kind === 'unmodelled';
}

export function computeAuditFacts(analysis: ClusterAnalysis): AuditFacts {
  const { classes, compiler, ports } = analysis;
  const N = classes.length;
  const byWorkload = workloadClasses(analysis);
  const full = (m: AllowMap) => m.isFull(compiler.allPeers, ports);

  // reach as class bitsets, both ways: what each class's pods can reach, and what can reach them
  // rows are shared by classes with the same policies: one peer set per row, so workloads of one class
  // share their peer sets and everything derived from them below
  const peersMemo = new Map<AllowMap, Bitset>();
  const peersOfRow = (m: AllowMap): Bitset => {
    let b = peersMemo.get(m);
    if (!b) peersMemo.set(m, (b = m.peers()));
    return b;
  };
  const outOf = analysis.reach.map(peersOfRow);
  const intoOf = combineDirections(N, analysis.egress, analysis.ingress, compiler).map(peersOfRow);
  // workload indices per class, to count distinct peer workloads without listing them
  const keys = [...byWorkload.keys()].sort();
  const indexOf = new Map(keys.map((k, i) => [k, i]));
  const classWorkloads = classes.map((c) => c.workloads.map((w) => indexOf.get(w)!));
  const oneToOne = classWorkloads.every((ws) => ws.length === 1) && keys.every((k) => byWorkload.get(k)!.length === 1);
  const mark = new Uint32Array(keys.length);
  let generation = 0;
  /** Marks, under a fresh generation, the workloads behind the classes given; returns how many. */
  const markWorkloads = (forEachClass: (visit: (c: number) => void) => void): number => {
    generation++;
    let n = 0;
    forEachClass((c) => {
      for (const w of classWorkloads[c]!) {
        if (mark[w] !== generation) {
          mark[w] = generation;
          n++;
        }
      }
    });
    return n;
  };
  /** Distinct workloads behind a peer set, memoised per set (sets are shared, see above). */
  const workloadCounts = new WeakMap<Bitset, number>();
  const countWorkloads = (bits: Bitset): number => {
    let n = workloadCounts.get(bits);
    if (n === undefined) workloadCounts.set(bits, (n = markWorkloads((visit) => bits.forEach(visit))));
    return n;
  };
  const countPeers = (bits: Bitset, self: number, own: readonly number[]): number => {
    if (oneToOne) return bits.size - (bits.has(own[0]!) ? 1 : 0);
    // the workload itself is among them when one of its classes is
    return countWorkloads(bits) - (own.some((c) => bits.has(c) && classWorkloads[c]!.includes(self)) ? 1 : 0);
  };
  const namespaceSets = new WeakMap<Bitset, ReadonlySet<string>>();
  const namespacesOf = (bits: Bitset): ReadonlySet<string> => {
    let known = namespaceSets.get(bits);
    if (!known) namespaceSets.set(bits, (known = namespacesOfBits(bits)));
    return known;
  };
  const namespacesOfBits = (bits: Bitset): Set<string> => {
    const out = new Set<string>();
    // classes are numbered namespace by namespace: jump from one namespace's range to the next
    for (let c = bits.nextSetBit(0); c >= 0; ) {
      const ns = classes[c]!.namespace;
      out.add(ns);
      c = bits.nextSetBit(analysis.index.namespaceRange.get(ns)![1]);
    }
    return out;
  };
  const peerWorkloads = (bits: Bitset, self: string, limit = Infinity): string[] => {
    // mark workload indices (keys are sorted), then read the marks in order: no strings per class
    let marked = markWorkloads((visit) => bits.forEach(visit));
    const out: string[] = [];
    for (let w = 0; w < keys.length && out.length < limit && marked > 0; w++) {
      if (mark[w] !== generation) continue;
      marked--;
      if (keys[w] !== self) out.push(keys[w]!);
    }
    return out;
  };
  const countPeerWorkloadsOutside = (bits: Bitset, namespace: string): number => {
    const total = countWorkloads(bits);
    const range = analysis.index.namespaceRange.get(namespace);
    if (!range) return total;
    return (
      total -
      markWorkloads((visit) => {
        for (let c = bits.nextSetBit(range[0]); c >= 0 && c < range[1]; c = bits.nextSetBit(c + 1)) visit(c);
      })
    );
  };
  const nsOf = (w: string) => parseWorkloadKey(w)?.namespace ?? '';
  // workloads of one class share their allow map (classes of one group do too): compute it once
  const internetMemo = new Map<AllowMap, ReturnType<typeof internetOfMaps>>();
  const internetOf = (maps: AllowMap[]) => {
    if (maps.length !== 1) return internetOfMaps(maps);
    let r = internetMemo.get(maps[0]!);
    if (!r) internetMemo.set(maps[0]!, (r = internetOfMaps(maps)));
    return r;
  };
  function internetOfMaps(maps: AllowMap[]) {
    const result: { range: AddressRange; ports: PortSetId }[] = [];
    let external = false;
    for (const m of maps) {
      for (const seg of m.restrict(compiler.allExternal, ports).segments) {
        external = true;
        for (const r of analysis.addresses.toRanges(seg.peers, N)) for (const p of publicParts(r)) result.push({ range: p, ports: seg.ports });
      }
    }
    return { internet: result, external };
  }
  const adminDefaultDeny = (ids: readonly string[], d: Direction) =>
    ids.some((id) => {
      const p = id === analysis.model.baselinePolicy?.id ? analysis.model.baselinePolicy : analysis.model.adminPolicies.find((a) => a.id === id);
      return p?.[d].some((r) => r.action === 'Deny' && r.peers.some((peer) => deniesEveryNamespace(peer)));
    });
  // the union of a workload's rows, shared by workloads whose classes have the same rows (so that the
  // counts and namespace sets memoised per peer set are computed once)
  const rowIds = new Map<Bitset, number>();
  const unions = new Map<string, Bitset>();
  const unionOfRows = (rows: Bitset[]): Bitset => {
    if (rows.length === 1) return rows[0]!;
    const ids = [...new Set(rows.map((r) => {
      let id = rowIds.get(r);
      if (id === undefined) rowIds.set(r, (id = rowIds.size));
      return id;
    }))].sort((a, b) => a - b);
    const key = ids.join(',');
    let u = unions.get(key);
    if (!u) unions.set(key, (u = Bitset.union([...new Set(rows)])));
    return u;
  };
  const direction = (key: string, ids: readonly number[], covs: readonly DirectionCoverage[], reach: readonly Bitset[], d: Direction): DirectionFacts => {
    const maps = ids.map((c) => covs[c]!.allow);
    const uniq = (xs: string[]) => [...new Set(xs)].sort();
    const peerClasses = unionOfRows(ids.map((c) => reach[c]!));
    const self = indexOf.get(key)!;
    const selected = ids.every((c) => covs[c]!.networkPolicies.length > 0 || adminDefaultDeny([...covs[c]!.adminPolicies, ...(covs[c]!.baseline ? [analysis.model.baselinePolicy!.id] : [])], d));
    const open = maps.some((m) => full(m));
    return {
      isolated: selected && !open,
      open,
      networkPolicies: uniq(ids.flatMap((c) => covs[c]!.networkPolicies)),
      adminPolicies: uniq(ids.flatMap((c) => covs[c]!.adminPolicies)),
      baseline: ids.some((c) => covs[c]!.baseline),
      peerClasses,
      peerCount: countPeers(peerClasses, self, ids),
      peerNamespaces: namespacesWithout(namespacesOf(peerClasses), peerClasses, ids, key),
      ...internetOf(maps),
    };
  };
  const policyFacts = computePolicyFacts(analysis, byWorkload);
  const workloads = new Map<string, WorkloadFacts>();
  for (const w of policyFacts.workloads.values()) {
    workloads.set(w.key, {
      ...w,
      ingress: direction(w.key, w.classes, analysis.ingress, intoOf, 'ingress'),
      egress: direction(w.key, w.classes, analysis.egress, outOf, 'egress'),
    });
  }
  /** A namespace reached only through the workload's own pods does not count as a peer namespace. */
  /** `found` is shared between workloads: a copy is made when the workload's own namespace must go. */
  function namespacesWithout(found: ReadonlySet<string>, bits: Bitset, own: readonly number[], self: string): ReadonlySet<string> {
    const ns = parseWorkloadKey(self)!.namespace;
    if (!found.has(ns)) return found;
    const range = analysis.index.namespaceRange.get(ns)!;
    for (let c = bits.nextSetBit(range[0]); c >= 0 && c < range[1]; c = bits.nextSetBit(c + 1)) {
      if (!own.includes(c) || classes[c]!.workloads.length > 1) return found;
    }
    const copy = new Set(found);
    copy.delete(ns);
    return copy;
  }
  return { analysis, workloads, namespaces: policyFacts.namespaces, peerWorkloads, countPeerWorkloadsOutside };
}

/** The policy-level facts: workloads with their pods and classes, namespaces with their default-deny posture. */
export function computePolicyFacts(analysis: PolicyAnalysis, byWorkload: ReadonlyMap<string, number[]> = workloadClasses(analysis)): PolicyFacts {
  const { classes } = analysis;
  const workloads = new Map<string, WorkloadInventory>();
  for (const [key, ids] of [...byWorkload.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ref = parseWorkloadKey(key)!;
    const pods = ids.flatMap((c) => classes[c]!.pods.filter((p) => isPodOf(p, ref)));
    workloads.set(key, { key, namespace: ref.namespace, name: ref.name, kind: ref.kind, pods, classes: ids, hostNetwork: pods.some((p) => p.hostNetwork) });
  }
  const namespaces = new Map<string, NamespaceFacts>();
  const npsByNs = new Map<string, typeof analysis.model.networkPolicies[number][]>();
  for (const p of analysis.model.networkPolicies) {
    if (p.podSelector.requirements.length) continue;
    const list = npsByNs.get(p.namespace);
    if (list) list.push(p);
    else npsByNs.set(p.namespace, [p]);
  }
  const workloadsByNs = new Map<string, WorkloadInventory[]>();
  for (const w of workloads.values()) {
    const list = workloadsByNs.get(w.namespace);
    if (list) list.push(w);
    else workloadsByNs.set(w.namespace, [w]);
  }
  for (const ns of [...analysis.model.namespaces.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const nps = npsByNs.get(ns.name) ?? [];
    const wls = workloadsByNs.get(ns.name) ?? [];
    namespaces.set(ns.name, {
      name: ns.name,
      labels: ns.labels,
      workloads: wls.map((w) => w.key),
      pods: wls.reduce((n, w) => n + w.pods.length, 0),
      defaultDeny: {
        ingress: nps.filter((p) => p.affectsIngress).map((p) => p.id),
        egress: nps.filter((p) => p.affectsEgress).map((p) => p.id),
      },
    });
  }
  return { analysis, workloads, namespaces };
}
