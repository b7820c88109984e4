/**
 * Each workload's peers both ways, as sets of workloads: the form audits read (counts, namespaces, samples),
 * from either engine — the reach rows of a complete analysis (here) or the reach blocks
 * (block-workload-reach.ts). Workloads are numbered by their keys in sorted order, so the workloads of one
 * namespace are consecutive.
 */
import { combineDirections, type ClusterAnalysis, type PolicyAnalysis } from './analyse-cluster.js';
import type { AllowMap } from './allow-map.js';
import { Bitset } from './bitset.js';
import { workloadClasses } from './workload-connectivity.js';

export interface WorkloadPeers {
  /** What its pods can reach (itself may be among them). */
  readonly egress: Bitset;
  /** What can reach its pods (itself may be among them). */
  readonly ingress: Bitset;
}

export interface WorkloadPeerSets {
  /** Workload keys, sorted: bit w of a peer set is keys[w]. */
  readonly keys: readonly string[];
  /** By workload key. */
  readonly peers: ReadonlyMap<string, WorkloadPeers>;
}

/** Which workloads each pod class holds pods of, and class sets turned into workload sets. */
export class ClassWorkloads {
  /** Every workload key of the cluster, sorted. */
  readonly keys: readonly string[];
  /** The workloads of class c are flat[start[c]] .. flat[start[c + 1] - 1]. */
  readonly start: Int32Array;
  readonly flat: Int32Array;
  private readonly memo = new WeakMap<Bitset, Bitset>();

  constructor(base: PolicyAnalysis) {
    const { classes } = base;
    const N = classes.length;
    this.keys = [...new Set(classes.flatMap((c) => c.workloads))].sort();
    const indexOf = new Map(this.keys.map((k, i) => [k, i]));
    this.start = new Int32Array(N + 1);
    classes.forEach((c, i) => (this.start[i + 1] = this.start[i]! + c.workloads.length));
    this.flat = new Int32Array(this.start[N]!);
    classes.forEach((c, i) => c.workloads.forEach((w, j) => (this.flat[this.start[i]! + j] = indexOf.get(w)!)));
  }

  /** The workloads behind a class set (memoised per set object). */
  of(set: Bitset): Bitset {
    let w = this.memo.get(set);
    if (!w) {
      const ids: number[] = [];
      set.forEach((c) => {
        for (let j = this.start[c]!; j < this.start[c + 1]!; j++) ids.push(this.flat[j]!);
      });
      this.memo.set(set, (w = Bitset.fromIndexes(ids)));
    }
    return w;
  }
}

/**
 * Each workload's peers from a complete analysis's reach rows: the union of its classes' rows, both ways
 * (unions and their workload sets are shared by workloads whose classes have the same rows).
 */
export function rowWorkloadPeers(analysis: ClusterAnalysis): WorkloadPeerSets {
  const map = new ClassWorkloads(analysis);
  const N = analysis.classes.length;
  const peersMemo = new Map<AllowMap, Bitset>();
  const peersOfRow = (m: AllowMap): Bitset => {
    let b = peersMemo.get(m);
    if (!b) peersMemo.set(m, (b = m.peers()));
    return b;
  };
  const outOf = analysis.reach.map(peersOfRow);
  const intoOf = combineDirections(N, analysis.egress, analysis.ingress, analysis.compiler).map(peersOfRow);
  const byWorkload = workloadClasses(analysis);
  const unions = new Map<string, Bitset>();
  const rowIds = new Map<Bitset, number>();
  const unionOf = (rows: Bitset[]): Bitset => {
    const distinct = [...new Set(rows)];
    if (distinct.length === 1) return distinct[0]!;
    const key = distinct
      .map((r) => {
        let id = rowIds.get(r);
        if (id === undefined) rowIds.set(r, (id = rowIds.size));
        return id;
      })
      .sort((a, b) => a - b)
      .join(',');
    let u = unions.get(key);
    if (!u) unions.set(key, (u = Bitset.union(distinct)));
    return u;
  };
  const peers = new Map<string, WorkloadPeers>();
  map.keys.forEach((key) => {
    const ids = byWorkload.get(key)!;
    peers.set(key, { egress: map.of(unionOf(ids.map((c) => outOf[c]!))), ingress: map.of(unionOf(ids.map((c) => intoOf[c]!))) });
  });
  return { keys: map.keys, peers };
}
