/**
 * Each workload's reach, both ways, from reach blocks (docs/factorised-engine.md, step 3): the classes its
 * pods can open connections to, and the classes whose pods can open connections to it, on any port. A block
 * connects its sources to those of its destinations on which both rules leave a port (BlockPorts), so a
 * workload's egress peers are the union of those destinations over the blocks its classes are sources of, and
 * its ingress peers the union of the sources of the blocks that connect to one of its classes. The work is
 * per block and workload, in words of class bitsets, never per class pair.
 */
import { Bitset } from './bitset.js';
import { BlockPorts } from './block-ports.js';
import type { PolicyAnalysis } from './analyse-cluster.js';
import type { ReachBlocks } from './reach-blocks.js';

export interface WorkloadPeerClasses {
  /** Classes of the pods it can reach (its own may be among them). */
  readonly egress: Bitset;
  /** Classes of the pods that can reach it (its own may be among them). */
  readonly ingress: Bitset;
}

export function workloadPeerClasses(base: PolicyAnalysis, blocks: ReachBlocks, ports: BlockPorts = new BlockPorts(base)): Map<string, WorkloadPeerClasses> {
  const { classes } = base;
  const N = classes.length;
  const wordCount = (N + 31) >> 5;
  const keys = [...new Set(classes.flatMap((c) => c.workloads))].sort();
  const indexOf = new Map(keys.map((k, i) => [k, i]));
  // the workloads of class c are flat[start[c]] .. flat[start[c + 1] - 1]
  const start = new Int32Array(N + 1);
  classes.forEach((c, i) => (start[i + 1] = start[i]! + c.workloads.length));
  const flat = new Int32Array(start[N]!);
  classes.forEach((c, i) => c.workloads.forEach((w, j) => (flat[start[i]! + j] = indexOf.get(w)!)));
  const egress: (Uint32Array | undefined)[] = new Array(keys.length);
  const ingress: (Uint32Array | undefined)[] = new Array(keys.length);
  const stamp = new Int32Array(keys.length).fill(-1);
  let call = 0;
  /** ORs a set into the accumulators of the workloads behind some classes, each workload once per call. */
  const orInto = (acc: (Uint32Array | undefined)[], behind: Bitset, set: Bitset) => {
    call++;
    const words = set.words;
    const offset = set.offset;
    // a few classes spread over the cluster (admin subjects, per-pod selectors) are set bit by bit
    const bits = words.length > 16 ? set.toArray() : undefined;
    const sparse = bits !== undefined && bits.length < words.length;
    const bw = behind.words;
    for (let wi = 0; wi < bw.length; wi++) {
      let word = bw[wi]!;
      const base32 = (behind.offset + wi) << 5;
      while (word) {
        const t = word & -word;
        word ^= t;
        const c = base32 + 31 - Math.clz32(t);
        for (let j = start[c]!; j < start[c + 1]!; j++) {
          const w = flat[j]!;
          if (stamp[w] === call) continue;
          stamp[w] = call;
          const into = (acc[w] ??= new Uint32Array(wordCount));
          if (sparse) for (let i = 0; i < bits.length; i++) into[bits[i]! >> 5]! |= 1 << (bits[i]! & 31);
          else for (let i = 0; i < words.length; i++) into[offset + i]! |= words[i]!;
        }
      }
    }
  };
  const all = base.compiler.allClasses;
  // blocks come egress rule by egress rule; within a rule most blocks share their sources (the rule's
  // subjects the ingress rules admit), so the destinations are gathered per distinct sources first
  type Group = { sources: Bitset; destinations: Bitset[] };
  let groups = new Map<number, Group[]>();
  const flush = () => {
    for (const bucket of groups.values()) {
      for (const g of bucket) {
        const destinations = g.destinations.length === 1 ? g.destinations[0]! : Bitset.union(g.destinations);
        orInto(egress, g.sources, destinations);
        orInto(ingress, destinations, g.sources);
      }
    }
    groups = new Map();
  };
  let rule = -1;
  for (let k = 0; k < blocks.count; k++) {
    const b = blocks.block(k);
    const e = blocks.egressRuleOf(k);
    if (e !== rule) {
      flush();
      rule = e;
    }
    const connecting = ports.connectingClasses(b.egress, b.ingress);
    const destinations = connecting === all ? b.destinations : b.destinations.and(connecting);
    if (destinations.isEmpty) continue;
    const h = b.sources.hash();
    let bucket = groups.get(h);
    if (!bucket) groups.set(h, (bucket = []));
    const g = bucket.find((x) => x.sources.equals(b.sources));
    if (g) g.destinations.push(destinations);
    else bucket.push({ sources: b.sources, destinations: [destinations] });
  }
  flush();
  const out = new Map<string, WorkloadPeerClasses>();
  keys.forEach((key, w) => {
    const e = egress[w];
    const i = ingress[w];
    out.set(key, { egress: e ? Bitset.fromWords(0, e) : Bitset.EMPTY, ingress: i ? Bitset.fromWords(0, i) : Bitset.EMPTY });
  });
  return out;
}
