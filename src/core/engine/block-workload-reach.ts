/**
 * Each workload's reach, both ways, from reach blocks (docs/factorised-engine.md, step 3): what its pods can
 * open connections to, and what can open connections to them, on any port — as classes, or as workloads
 * (10× smaller at W3, and all that the counts and the checks need). A block connects its sources to those of
 * its destinations on which both rules leave a port (BlockPorts), so a workload's egress peers are the union
 * of those destinations over the blocks its classes are sources of, and its ingress peers the union of the
 * sources of the blocks that connect to one of its classes. The work is per block and workload, in words of
 * bitsets, never per class pair.
 */
import { Bitset } from './bitset.js';
import { BlockPorts } from './block-ports.js';
import type { PolicyAnalysis } from './analyse-cluster.js';
import type { ReachBlocks } from './reach-blocks.js';
import { DEFAULT_MAX_PAIR_CELLS } from './engine-settings.js';
import { WorkloadPairLimitError } from './workload-pair-limit.js';
import { ClassWorkloads, type WorkloadPeers, type WorkloadPeerSets } from './workload-peers.js';

/** Each workload's peers as pod classes, by workload key. */
export function workloadPeerClasses(base: PolicyAnalysis, blocks: ReachBlocks, ports: BlockPorts = new BlockPorts(base)): Map<string, WorkloadPeers> {
  return peersFromBlocks(base, blocks, ports, 'classes').peers;
}

/**
 * Each workload's peers as workloads: bits are indexes into `keys` (workload keys, sorted), by workload key.
 * A class holding pods of several workloads makes each of them a peer.
 */
export function workloadPeerWorkloads(base: PolicyAnalysis, blocks: ReachBlocks, ports: BlockPorts = new BlockPorts(base)): WorkloadPeerSets & { peers: Map<string, WorkloadPeers> } {
  return peersFromBlocks(base, blocks, ports, 'workloads');
}

function peersFromBlocks(base: PolicyAnalysis, blocks: ReachBlocks, ports: BlockPorts, space: 'classes' | 'workloads'): { keys: readonly string[]; peers: Map<string, WorkloadPeers> } {
  const N = base.classes.length;
  const workloads = new ClassWorkloads(base);
  const { keys, start, flat } = workloads;
  const wordCount = ((space === 'classes' ? N : keys.length) + 31) >> 5;
  // the accumulators: a set per workload and direction
  const cells = 2 * keys.length * wordCount * 32;
  const limit = base.settings.maxPairCells ?? DEFAULT_MAX_PAIR_CELLS;
  if (cells > limit) throw new WorkloadPairLimitError(keys.length, cells, limit);
  /** A class set in the peer space: itself, or the workloads of its classes. */
  const inSpace = (set: Bitset): Bitset => (space === 'classes' ? set : workloads.of(set));
  const egress = new Accumulators(keys.length, wordCount);
  const ingress = new Accumulators(keys.length, wordCount);
  const stamp = new Int32Array(keys.length).fill(-1);
  let call = 0;
  /** ORs a set into the accumulators of the workloads behind some classes, each workload once per call. */
  const orInto = (acc: Accumulators, behind: Bitset, set: Bitset) => {
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
          const into = acc.words(w);
          const at = acc.start(w);
          if (sparse) for (let i = 0; i < bits.length; i++) into[at + (bits[i]! >> 5)]! |= 1 << (bits[i]! & 31);
          else for (let i = 0; i < words.length; i++) into[at + offset + i]! |= words[i]!;
        }
      }
    }
  };
  const egressSpecs = blocks.egressRules.map((r) => ports.specOf(r));
  const ingressSpecs = blocks.ingressRules.map((r) => ports.specOf(r));
  // the connected part of an ingress rule's whole subjects, per egress port spec: most blocks have those
  // subjects as destinations, and the ports of a pair of specs on them never change
  const wholeConnected: Map<number, Bitset>[] = blocks.ingressRules.map(() => new Map());
  /**
   * Block k's destinations on which both of its rules leave a port. Whether a destination is connected depends
   * only on the two port specs and its own bindings, and the destinations lie within the ingress rule's
   * subjects: they are the connected part of those subjects (memoised per spec pair) that the block reaches.
   */
  const connectedDestinations = (k: number): Bitset => {
    const ii = blocks.ingressRuleOf(k);
    const spec = egressSpecs[blocks.egressRuleOf(k)]!;
    const d = blocks.destinations(k);
    if (d.isEmpty) return d;
    const subjects = blocks.ingressRules[ii]!.subjects;
    const memo = wholeConnected[ii]!;
    let whole = memo.get(spec);
    if (!whole) memo.set(spec, (whole = ports.connectedAmong(spec, ingressSpecs[ii]!, subjects)));
    if (d === subjects) return whole;
    // every subject connected: all of the block's destinations are
    if (whole === subjects) return d;
    return whole.isEmpty ? whole : d.and(whole);
  };
  // per block, both ways: its sources reach its connected destinations, and those are reached from its
  // sources. Each way in its own pass, in the order of the rule whose subjects it ORs into (egress rule for
  // the egress side, ingress rule for the ingress side), so that the few workloads written in a row stay in
  // the cache (the accumulators take 250 MB at W3's 100k pods; in block order the ingress side missed it)
  const pass = (order: Iterable<number>, acc: Accumulators, side: 'egress' | 'ingress') => {
    for (const k of order) {
      const destinations = connectedDestinations(k);
      if (destinations.isEmpty) continue;
      const sources = blocks.sources(k);
      if (sources.isEmpty) continue;
      if (side === 'egress') orInto(acc, sources, inSpace(destinations));
      else orInto(acc, destinations, inSpace(sources));
    }
  };
  pass(Int32Array.from({ length: blocks.count }, (_, k) => k), egress, 'egress');
  pass(blocksByIngressRule(blocks), ingress, 'ingress');
  const out = new Map<string, WorkloadPeers>();
  keys.forEach((key, w) => {
    out.set(key, { egress: egress.bitset(w), ingress: ingress.bitset(w) });
  });
  return { keys, peers: out };
}

/** Block numbers sorted by ingress rule (a counting sort: blocks come egress rule by egress rule). */
function blocksByIngressRule(blocks: ReachBlocks): Int32Array {
  const counts = new Int32Array(blocks.ingressRules.length + 1);
  for (let k = 0; k < blocks.count; k++) counts[blocks.ingressRuleOf(k) + 1]!++;
  for (let r = 1; r < counts.length; r++) counts[r]! += counts[r - 1]!;
  const order = new Int32Array(blocks.count);
  for (let k = 0; k < blocks.count; k++) order[counts[blocks.ingressRuleOf(k)]!++] = k;
  return order;
}

/**
 * One class bitset per workload, in arenas of a few hundred workloads allocated when first written: one
 * external allocation per arena rather than per workload (W3 at 100k pods: 10,000 workloads × 12.5 KB each
 * way, which allocated one by one kept the collector busy for seconds).
 */
class Accumulators {
  private static readonly PER_ARENA = 256;
  private readonly arenas: (Uint32Array | undefined)[];

  constructor(
    count: number,
    private readonly wordCount: number,
  ) {
    this.arenas = new Array(Math.ceil(count / Accumulators.PER_ARENA));
  }

  /** The arena holding workload w's words (from `start(w)` on). */
  words(w: number): Uint32Array {
    const a = Math.floor(w / Accumulators.PER_ARENA);
    return (this.arenas[a] ??= new Uint32Array(Accumulators.PER_ARENA * this.wordCount));
  }

  start(w: number): number {
    return (w % Accumulators.PER_ARENA) * this.wordCount;
  }

  /** Workload w's set, viewing the arena (trimmed to its non-zero words; no copy). */
  bitset(w: number): Bitset {
    const arena = this.arenas[Math.floor(w / Accumulators.PER_ARENA)];
    if (!arena) return Bitset.EMPTY;
    const from = this.start(w);
    let lo = from;
    let hi = from + this.wordCount;
    while (lo < hi && arena[lo] === 0) lo++;
    while (hi > lo && arena[hi - 1] === 0) hi--;
    return lo === hi ? Bitset.EMPTY : Bitset.fromWords(lo - from, arena.subarray(lo, hi));
  }
}
