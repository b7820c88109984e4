/**
 * Facts about one analysed cluster that checks, exposure scores and reports read: per workload its pods,
 * effective isolation, reach (workloads and namespaces, both ways) and internet exposure; per namespace
 * its default-deny posture. Computed once from the engine's results, never guessed from policy shapes.
 */
import type { ClusterAnalysis, PolicyAnalysis } from '../engine/analyse-cluster.js';
import type { AllowMap } from '../engine/allow-map.js';
import { Bitset } from '../engine/bitset.js';
import { BlockPorts } from '../engine/block-ports.js';
import { workloadPeerWorkloads } from '../engine/block-workload-reach.js';
import { releasableBlockClassDirections, rowClassDirections, type ClassDirection, type ClassDirections } from '../engine/class-directions.js';
import type { PortSetId } from '../engine/port-space.js';
import { reachBlocks } from '../engine/reach-blocks.js';
import { workloadClasses } from '../engine/workload-connectivity.js';
import { rowWorkloadPeers, type WorkloadPeerSets } from '../engine/workload-peers.js';
import type { Protocol } from '../model/connection-set.js';
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
  /**
   * Workloads its pods can reach (egress) or that can reach them (ingress), as bits over the facts'
   * `workloadKeys`; itself may be among them.
   */
  readonly peers: Bitset;
  /** Other workloads it can reach / that can reach it. */
  readonly peerCount: number;
  /** Namespaces of those workloads (its own included when a neighbour is a peer). */
  readonly peerNamespaces: ReadonlySet<string>;
  /** Public internet ranges allowed (to it for ingress, from it for egress), with port sets. */
  readonly internet: readonly { range: AddressRange; ports: PortSetId }[];
  /** Any external address allowed at all (private ranges included). */
  readonly external: boolean;
  /** Whether every pod of the workload is allowed this port with some peer (pod or address). */
  allowsPort(protocol: Protocol, port: number): boolean;
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

/**
 * Facts over the effective allow sets and pod-to-pod reach: what the checks over allow sets read. From a
 * complete analysis (AuditFacts), or from reach blocks for a cluster beyond the class cap (blockAuditFacts).
 */
export interface AllowSetFacts extends PolicyFacts {
  readonly workloads: ReadonlyMap<string, WorkloadFacts>;
  /** Every workload key, sorted: the numbering of DirectionFacts.peers (a namespace's workloads are consecutive). */
  readonly workloadKeys: readonly string[];
  /** The numbers [from, to) of a namespace's workloads in workloadKeys. */
  workloadRange(namespace: string): readonly [number, number];
}

/** The facts of a complete analysis (the reach rows and allow maps are there too). */
export interface AuditFacts extends AllowSetFacts {
  readonly analysis: ClusterAnalysis;
}

/** An admin peer covering every namespace (the catch-all of an admin default-deny). */
function deniesEveryNamespace(peer: AdminPeer): boolean {
  if (peer.kind === 'namespaces') return peer.namespaceSelector.requirements.length === 0;
  if (peer.kind === 'pods') return peer.namespaceSelector.requirements.length === 0 && peer.podSelector.requirements.length === 0;
  return peer.kind === 'unmodelled';
}

export function computeAuditFacts(analysis: ClusterAnalysis): AuditFacts {
  return { ...assembleFacts(analysis, rowClassDirections(analysis), rowWorkloadPeers(analysis)), analysis };
}

/**
 * The facts over allow sets from reach blocks (docs/factorised-engine.md, step 3): no allow map over pod peers
 * and no reach row is built, so it serves clusters beyond the class cap. Equal to computeAuditFacts wherever
 * both apply (checked on the conformance corpus and generated clusters). With them, a way to let go of the
 * rule pieces their port questions read (ReleasableClassDirections): call it once the checks have asked theirs.
 */
export function blockAuditFacts(base: PolicyAnalysis): AllowSetFacts & { releasePieces(): void } {
  const blocks = reachBlocks(base);
  const ports = new BlockPorts(base);
  const { directions, releasePieces } = releasableBlockClassDirections(base, { egress: blocks.egressRules, ingress: blocks.ingressRules }, ports);
  return { ...assembleFacts(base, directions, workloadPeerWorkloads(base, blocks, ports)), releasePieces };
}

/** The connected workload pairs (a workload with itself left out): the size of the connectivity listing. */
export function connectedWorkloadPairs(facts: AllowSetFacts): number {
  let n = 0;
  facts.workloadKeys.forEach((key, w) => {
    const peers = facts.workloads.get(key)!.egress.peers;
    n += peers.size - (peers.has(w) ? 1 : 0);
  });
  return n;
}

function assembleFacts(analysis: PolicyAnalysis, directions: ClassDirections, peerSets: WorkloadPeerSets): AllowSetFacts {
  const N = analysis.classes.length;
  const keys = peerSets.keys;
  const indexOf = new Map(keys.map((k, i) => [k, i]));
  // the workloads of a namespace are consecutive among the sorted keys: namespace n holds [nsStart[n], nsEnd[n])
  const nsNames: string[] = [];
  const nsIndex = new Int32Array(keys.length);
  const nsStart: number[] = [];
  const nsEnd: number[] = [];
  const ranges = new Map<string, number>();
  keys.forEach((k, w) => {
    const ns = parseWorkloadKey(k)!.namespace;
    let n = ranges.get(ns);
    if (n === undefined) {
      ranges.set(ns, (n = nsNames.length));
      nsNames.push(ns);
      nsStart.push(w);
    }
    nsIndex[w] = n;
    nsEnd[n] = w + 1;
  });
  const workloadRange = rangeLookup(ranges, nsStart, nsEnd);
  /** Numbers of the namespaces of the workloads in a peer set (memoised per set: rows share them). */
  const nsBitsMemo = new WeakMap<Bitset, Bitset>();
  const nsBitsOf = (bits: Bitset): Bitset => {
    let known = nsBitsMemo.get(bits);
    if (!known) {
      const ids: number[] = [];
      // jump from one namespace's workloads to the next
      for (let w = bits.nextSetBit(0); w >= 0; ) {
        const n = nsIndex[w]!;
        ids.push(n);
        w = bits.nextSetBit(nsEnd[n]!);
      }
      nsBitsMemo.set(bits, (known = Bitset.fromIndexes(ids)));
    }
    return known;
  };
  /** Namespace name sets, one object per distinct set (workloads of a namespace mostly share theirs). */
  const interned = new Interned<Bitset, ReadonlySet<string>>((b) => b.hash(), (a, b) => a.equals(b));
  const namesOf = (nsBits: Bitset): ReadonlySet<string> => interned.get(nsBits, () => new Set(nsBits.toArray().map((n) => nsNames[n]!)));
  /** The namespaces of a workload's peers; its own only when another workload of it is among them. */
  const namespacesWithout = (bits: Bitset, self: number): ReadonlySet<string> => {
    const found = nsBitsOf(bits);
    if (!bits.has(self)) return namesOf(found);
    const n = nsIndex[self]!;
    for (let w = bits.nextSetBit(nsStart[n]!); w >= 0 && w < nsEnd[n]!; w = bits.nextSetBit(w + 1)) if (w !== self) return namesOf(found);
    return namesOf(found.andNot(Bitset.range(n, n + 1)));
  };
  // classes of one group share their allow map's external part, and groups often have equal ones: describe
  // each distinct part, or combination of parts, once
  type Internet = { internet: { range: AddressRange; ports: PortSetId }[]; external: boolean };
  const parts = new Interned<AllowMap, number>(
    (m) => m.segments.reduce((h, seg) => (h + Math.imul(seg.peers.hash() ^ seg.ports, 0x9e3779b1)) | 0, 0),
    (a, b) => a.equals(b),
  );
  const partIds = new WeakMap<AllowMap, number>();
  const partId = (m: AllowMap): number => {
    let id = partIds.get(m);
    if (id === undefined) partIds.set(m, (id = parts.get(m, () => parts.size)));
    return id;
  };
  const internetMemo = new Map<string, Internet>();
  const internetOfMaps = (maps: readonly AllowMap[]): Internet => {
    const key = maps.length === 1 ? String(partId(maps[0]!)) : maps.map(partId).sort((a, b) => a - b).join('+');
    let r = internetMemo.get(key);
    if (!r) internetMemo.set(key, (r = internetOf(maps)));
    return r;
  };
  function internetOf(maps: readonly AllowMap[]): Internet {
    const result: { range: AddressRange; ports: PortSetId }[] = [];
    let external = false;
    for (const m of maps) {
      for (const seg of m.segments) {
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
  const direction = (key: string, ids: readonly number[], d: Direction): DirectionFacts => {
    const own = ids.map((c) => directions(c, d));
    const uniq = (xs: string[]) => [...new Set(xs)].sort();
    const self = indexOf.get(key)!;
    const peers = d === 'egress' ? peerSets.peers.get(key)!.egress : peerSets.peers.get(key)!.ingress;
    const selected = own.every((o) => o.networkPolicies.length > 0 || adminDefaultDeny([...o.adminPolicies, ...(o.baseline ? [analysis.model.baselinePolicy!.id] : [])], d));
    const open = own.some((o) => o.open);
    const distinct = [...new Set(own)];
    return {
      isolated: selected && !open,
      open,
      networkPolicies: uniq(own.flatMap((o) => o.networkPolicies)),
      adminPolicies: uniq(own.flatMap((o) => o.adminPolicies)),
      baseline: own.some((o) => o.baseline),
      peers,
      peerCount: peers.size - (peers.has(self) ? 1 : 0),
      peerNamespaces: namespacesWithout(peers, self),
      ...internetOfMaps(distinct.map((o) => o.external)),
      allowsPort: allowsPortOfAll(distinct),
    };
  };
  const policyFacts = computePolicyFacts(analysis);
  const workloads = new Map<string, WorkloadFacts>();
  for (const w of policyFacts.workloads.values()) {
    workloads.set(w.key, { ...w, ingress: direction(w.key, w.classes, 'ingress'), egress: direction(w.key, w.classes, 'egress') });
  }
  return { analysis, workloads, namespaces: policyFacts.namespaces, workloadKeys: keys, workloadRange };
}

// The functions facts keep are made here, not inside assembleFacts: a closure made there would share that
// function's V8 context, and with it everything its other closures read (the class directions, their rule
// pieces, the memo maps), for as long as the facts are kept (a report keeps them).

/** A namespace's workloads as a range of indexes into the sorted workload keys. */
function rangeLookup(ranges: ReadonlyMap<string, number>, nsStart: readonly number[], nsEnd: readonly number[]): (namespace: string) => readonly [number, number] {
  return (namespace) => {
    const n = ranges.get(namespace);
    return n === undefined ? [0, 0] : [nsStart[n]!, nsEnd[n]!];
  };
}

/** Whether every class direction allows some peer a port. */
function allowsPortOfAll(distinct: readonly ClassDirection[]): (protocol: Protocol, port: number) => boolean {
  return (protocol, port) => distinct.every((o) => o.allowsPort(protocol, port));
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

/** Values made once per distinct key, keys told apart by a hash and an equality. */
class Interned<K, V> {
  private readonly buckets = new Map<number, { key: K; value: V }[]>();
  size = 0;

  constructor(
    private readonly hash: (k: K) => number,
    private readonly same: (a: K, b: K) => boolean,
  ) {}

  get(key: K, make: () => V): V {
    const h = this.hash(key);
    let bucket = this.buckets.get(h);
    if (!bucket) this.buckets.set(h, (bucket = []));
    const hit = bucket.find((e) => this.same(e.key, key));
    if (hit) return hit.value;
    const value = make();
    bucket.push({ key, value });
    this.size++;
    return value;
  }
}
