/**
 * The connectivity diff between two policy analyses from reach blocks (docs/factorised-engine.md, step 4):
 * the changes `diffConnectivity` finds between two complete listings, for clusters beyond the engine's
 * limits, without listing either side. Only the rows of the workloads whose connections can have changed
 * (changed-workloads.ts: found from the models) are computed, on both sides, and compared: for each such
 * workload, its connections to every workload, and the connections to it from every workload that did not
 * change; its external ranges both ways. Every other pair is unchanged by construction.
 *
 * The rows are computed chunk by chunk of changed workloads, as dense arrays of port sets (chunk × all
 * workloads, both ways), from the blocks whose egress rule applies to a workload of the chunk (its outgoing
 * row) or whose ingress rule does (its incoming row); a 1% change to W3 computes a few percent of its 57
 * million connected pairs. The changes themselves are the output, bounded by the listing's limit
 * (ConnectionListLimitError). Pure: no I/O.
 */
import type { PolicyAnalysis } from '../engine/analyse-cluster.js';
import { Bitset } from '../engine/bitset.js';
import { ConnectionListLimitError, CELLS_PER_LISTED_PAIR } from '../engine/block-connectivity.js';
import { BlockPorts } from '../engine/block-ports.js';
import { blockClassDirections, type ClassDirections } from '../engine/class-directions.js';
import { AllowMap } from '../engine/allow-map.js';
import { DEFAULT_MAX_PAIR_CELLS } from '../engine/engine-settings.js';
import type { PortSpace } from '../engine/port-space.js';
import { reachBlocksReleasingPeers, type ReachBlocks } from '../engine/reach-blocks.js';
import { workloadClasses } from '../engine/workload-connectivity.js';
import { ClassWorkloads } from '../engine/workload-peers.js';
import { CanonicalPorts } from './canonical-ports.js';
import { changedWorkloads, type ChangedWorkloads } from './changed-workloads.js';
import { byPair, classify, externalChanges, rangePieces, workloadChangeOf, type ConnectivityChange } from './connectivity-diff.js';

/** Flags of changedAs: changed as a source, as a destination. */
const OUT = 1;
const IN = 2;

export interface BlockDiffOptions {
  /** The workloads to compare (default: changedWorkloads of the two analyses). */
  readonly changed?: ChangedWorkloads;
  /** Cells (changed workload × workload) per chunk and direction; bounds the scratch memory (4 bytes a cell, 4 arrays). */
  readonly chunkCells?: number;
  /** Both sides' reach blocks, when the caller has them (default: computed here). */
  readonly blocks?: readonly [ReachBlocks, ReachBlocks];
  /** Called after each chunk of changed workloads. */
  readonly onChunk?: (done: number, total: number) => void;
}

/**
 * Workload pairs and external ranges whose connections differ, as diffConnectivity lists them. Both analyses
 * are left without memoised peer sets, also when a limit stopped the diff (a caller keeps them for more).
 */
export function blockConnectivityDiff(before: PolicyAnalysis, after: PolicyAnalysis, options: BlockDiffOptions = {}): ConnectivityChange[] {
  try {
    return diffFromBlocks(before, after, options);
  } finally {
    for (const base of [before, after]) base.compiler.forgetPeers();
  }
}

function diffFromBlocks(before: PolicyAnalysis, after: PolicyAnalysis, options: BlockDiffOptions): ConnectivityChange[] {
  const changed = options.changed ?? changedWorkloads(before, after);
  // one side's blocks at a time, each analysis letting go of the peer sets its rules were built from (~290 MB at W3)
  const blocksOf = (base: PolicyAnalysis, given: ReachBlocks | undefined) => {
    if (!given) return reachBlocksReleasingPeers(base);
    base.compiler.forgetPeers();
    return given;
  };
  const bb = blocksOf(before, options.blocks?.[0]);
  const ba = blocksOf(after, options.blocks?.[1]);
  const sides = [new DiffSide(before, bb), new DiffSide(after, ba)] as const;
  const keys = [...new Set([...sides[0].workloads.keys, ...sides[1].workloads.keys])].sort();
  const W = keys.length;
  const indexOf = new Map(keys.map((k, i) => [k, i]));
  for (const s of sides) s.number(indexOf, W);
  // per workload (union number): 1 when its outgoing connections may differ, 2 when its incoming ones may
  const changedAs = new Uint8Array(W);
  for (const [set, flag] of [[changed.sources, OUT], [changed.destinations, IN]] as const) {
    for (const k of set) {
      const u = indexOf.get(k);
      if (u !== undefined) changedAs[u]! |= flag;
    }
  }
  const changedList: number[] = [];
  for (let u = 0; u < W; u++) if (changedAs[u]) changedList.push(u);

  const canonical = new CanonicalPorts();
  // a side's port-set ids (-1: none) as canonical numbers, comparable across the sides
  const [gb, ga] = sides.map((s) => {
    const g = canonical.from(s.space);
    return (id: number) => (id < 0 ? 0 : g(id));
  });
  const workloadChange = workloadChangeOf(sides[0].present, sides[1].present);
  const limit = before.settings.maxPairCells ?? DEFAULT_MAX_PAIR_CELLS;
  const changes: ConnectivityChange[] = [];
  const push = (src: number, dst: number, b: number, a: number) => {
    const bc = canonical.conns(b);
    const ac = canonical.conns(a);
    const type = classify(bc, ac);
    if (!type) return;
    const wc = workloadChange(keys[src]!, keys[dst]!);
    changes.push({ type, src: keys[src]!, dst: keys[dst]!, before: bc, after: ac, ...(wc ? { workloadChange: wc } : {}) });
    if (changes.length * CELLS_PER_LISTED_PAIR > limit) throw new ConnectionListLimitError(changes.length, limit, false, 'changes');
  };
  /** One cell of both sides' rows (this side's ids, -1 for none). */
  const compare = (src: number, dst: number, b: number, a: number) => {
    if (b === -1 && a === -1) return;
    const cb = gb!(b);
    const ca = ga!(a);
    if (cb !== ca) push(src, dst, cb, ca);
  };

  // external ranges of the changed workloads first (egress of the sources, ingress of the destinations): what
  // they need (directions per class group, peer sets rebuilt in the compiler) is let go before the rows
  for (const u of changedList) {
    for (const direction of ['egress', 'ingress'] as const) {
      if (!(changedAs[u]! & (direction === 'egress' ? OUT : IN))) continue;
      const [b, a] = sides.map((s) => s.externalPieces(keys[u]!, direction));
      changes.push(...externalChanges(keys[u]!, direction, b!, a!, workloadChange));
      if (changes.length * CELLS_PER_LISTED_PAIR > limit) throw new ConnectionListLimitError(changes.length, limit, false, 'changes');
    }
  }
  for (const s of sides) s.releaseExternals();

  const chunkSize = Math.max(1, Math.floor((options.chunkCells ?? 2_000_000) / Math.max(1, W)));
  const pos = new Int32Array(W).fill(-1);
  for (let from = 0; from < changedList.length; from += chunkSize) {
    const chunk = changedList.slice(from, from + chunkSize);
    const C = chunk.length;
    chunk.forEach((u, i) => (pos[u] = i));
    const [rb, ra] = sides.map((s) => s.rows(chunk, pos, changedAs));
    // outgoing rows of the chunk's changed sources: to every workload
    for (let i = 0; i < C; i++) {
      const src = chunk[i]!;
      if (!(changedAs[src]! & OUT)) continue;
      const row = i * W;
      for (let dst = 0; dst < W; dst++) if (dst !== src) compare(src, dst, rb!.out[row + dst]!, ra!.out[row + dst]!);
    }
    // incoming rows of the chunk's changed destinations: from every workload not changed as a source (the
    // outgoing rows hold the others)
    for (let src = 0; src < W; src++) {
      if (changedAs[src]! & OUT) continue;
      const row = src * C;
      // a workload's traffic to itself is not listed
      for (let i = 0; i < C; i++) if (chunk[i] !== src) compare(src, chunk[i]!, rb!.into[row + i]!, ra!.into[row + i]!);
    }
    for (const u of chunk) pos[u] = -1;
    options.onChunk?.(Math.min(from + chunkSize, changedList.length), changedList.length);
  }

  for (const s of sides) s.releaseRows();
  return changes.sort(byPair);
}

/** One analysis, its blocks indexed by rule, and its workloads numbered in the union of both sides' workloads. */
class DiffSide {
  readonly workloads: ClassWorkloads;
  readonly space: PortSpace;
  readonly present = new Set<string>();
  private readonly ports: BlockPorts;
  /** Blocks come egress rule by egress rule: those of egress rule e are egressStart[e] .. egressStart[e + 1] - 1. */
  private readonly egressStart: Int32Array;
  /** The blocks of ingress rule i are byIngress[ingressStart[i]] .. byIngress[ingressStart[i + 1] - 1]. */
  private readonly ingressStart: Int32Array;
  private readonly byIngress: Int32Array;
  /** Side workload number -> union number. */
  private toUnion = new Int32Array(0);
  private W = 0;
  private directions: ClassDirections | undefined;
  /** Row buffers (cells of the largest chunk so far), reused from chunk to chunk. */
  private rowCells = 0;
  private outRows = new Int32Array(0);
  private intoRows = new Int32Array(0);
  /** Per-block scratch over all workloads (slot: -1 when free; stamp: the last visit that took a source). */
  private scratch = { dests: new Int32Array(0), destPorts: new Int32Array(0), slot: new Int32Array(0), stamp: new Int32Array(0) };
  private visits = 0;
  private classesOf: Map<string, number[]> | undefined;

  constructor(
    private readonly base: PolicyAnalysis,
    private readonly blocks: ReachBlocks,
  ) {
    this.workloads = new ClassWorkloads(base);
    this.space = base.compiler.ports;
    this.ports = new BlockPorts(base);
    for (const k of this.workloads.keys) this.present.add(k);
    const E = blocks.egressRules.length;
    const I = blocks.ingressRules.length;
    this.egressStart = new Int32Array(E + 1);
    this.ingressStart = new Int32Array(I + 1);
    for (let k = 0; k < blocks.count; k++) {
      this.egressStart[blocks.egressRuleOf(k) + 1]!++;
      this.ingressStart[blocks.ingressRuleOf(k) + 1]!++;
    }
    for (let e = 0; e < E; e++) this.egressStart[e + 1]! += this.egressStart[e]!;
    for (let r = 0; r < I; r++) this.ingressStart[r + 1]! += this.ingressStart[r]!;
    this.byIngress = new Int32Array(blocks.count);
    const fill = this.ingressStart.slice(0, I);
    for (let k = 0; k < blocks.count; k++) this.byIngress[fill[blocks.ingressRuleOf(k)]!++] = k;
  }

  number(indexOf: ReadonlyMap<string, number>, W: number): void {
    this.toUnion = Int32Array.from(this.workloads.keys, (k) => indexOf.get(k)!);
    this.W = W;
    this.scratch = { dests: new Int32Array(W), destPorts: new Int32Array(W), slot: new Int32Array(W).fill(-1), stamp: new Int32Array(W).fill(-1) };
  }

  /**
   * Port sets (this side's ids, -1 for none) of the chunk's workloads to every workload (`out`, chunk-major)
   * and from every unchanged workload to the chunk's (`into`, source-major). Only the blocks of rules that
   * apply to a class of the chunk are visited, and only those whose sources (for `out`) or destinations (for
   * `into`) hold one.
   */
  rows(chunk: readonly number[], pos: Int32Array, changedAs: Uint8Array): { out: Int32Array; into: Int32Array } {
    const { W, toUnion, blocks, ports, space } = this;
    const { start, flat } = this.workloads;
    const C = chunk.length;
    // the row buffers and the per-block scratch are allocated once and reused chunk after chunk (each chunk's
    // 4 x 8 MB allocated anew left freed memory the process kept)
    if (this.rowCells < C * W) {
      this.rowCells = C * W;
      this.outRows = new Int32Array(C * W);
      this.intoRows = new Int32Array(C * W);
    }
    const out = this.outRows.subarray(0, C * W).fill(-1);
    const into = this.intoRows.subarray(0, W * C).fill(-1);
    // the classes holding a chunk workload changed as a source, and as a destination
    const outClasses: number[] = [];
    const inClasses: number[] = [];
    for (let c = 0; c + 1 < start.length; c++) {
      let as = 0;
      for (let j = start[c]!; j < start[c + 1]!; j++) {
        const u = toUnion[flat[j]!]!;
        if (pos[u]! >= 0) as |= changedAs[u]!;
      }
      if (as & OUT) outClasses.push(c);
      if (as & IN) inClasses.push(c);
    }
    const outOfChunk = Bitset.fromIndexes(outClasses);
    const intoChunk = Bitset.fromIndexes(inClasses);
    const bindingOf = ports.bindingNumbers;
    const none = space.none;
    // per block: destination workloads (union numbers, or chunk positions for `into`) and their ports
    const { dests, destPorts, slot, stamp } = this.scratch;
    let count = 0;
    // each source workload once per block, however many of its classes the block holds (stamps grow across chunks)
    let visit = this.visits;
    /**
     * Adds the workloads of a set of destination classes, with the ports the block's table gives each class:
     * all of them as union numbers (`out`), or only the chunk's changed destinations, as chunk positions (`into`).
     */
    const addDestinations = (set: Bitset, table: Int32Array, e: number, i: number, intoChunk: boolean) => {
      const words = set.words;
      for (let w = 0; w < words.length; w++) {
        let word = words[w]!;
        const base = (set.offset + w) << 5;
        while (word) {
          const t = word & -word;
          word ^= t;
          const y = base + 31 - Math.clz32(t);
          const b = table.length === 1 ? 0 : bindingOf[y]!;
          let p = table[b]!;
          if (p < 0) p = ports.fillPorts(e, i, y, table, b);
          if (p === none) continue;
          for (let j = start[y]!; j < start[y + 1]!; j++) {
            const d = toUnion[flat[j]!]!;
            if (intoChunk && (pos[d]! < 0 || !(changedAs[d]! & IN))) continue;
            const s = slot[d]!;
            if (s < 0) {
              slot[d] = count;
              dests[count] = intoChunk ? pos[d]! : d;
              destPorts[count++] = p;
            } else if (destPorts[s] !== p) destPorts[s] = space.union(destPorts[s]!, p);
          }
        }
      }
    };
    const clearDestinations = (intoChunk: boolean) => {
      for (let n = 0; n < count; n++) slot[intoChunk ? chunk[dests[n]!]! : dests[n]!] = -1;
      count = 0;
    };
    // outgoing: per egress rule applying to the chunk, its blocks whose sources hold a chunk class
    blocks.egressRules.forEach((rule, e) => {
      const mine = rule.subjects.and(outOfChunk);
      if (mine.isEmpty) return;
      const es = ports.specOf(rule);
      for (let k = this.egressStart[e]!; k < this.egressStart[e + 1]!; k++) {
        const ingress = blocks.ingressRules[blocks.ingressRuleOf(k)]!;
        if (!ingress.peers.intersects(mine)) continue;
        const is = ports.specOf(ingress);
        addDestinations(blocks.destinations(k), ports.portsTable(es, is), es, is, false);
        if (count) {
          visit++;
          ingress.peers.and(mine).forEach((x) => {
            for (let j = start[x]!; j < start[x + 1]!; j++) {
              const src = toUnion[flat[j]!]!;
              const at = pos[src]!;
              if (at < 0 || !(changedAs[src]! & OUT) || stamp[src] === visit) continue;
              stamp[src] = visit;
              const row = at * W;
              for (let n = 0; n < count; n++) {
                const d = dests[n]!;
                if (d === src) continue;
                const p = destPorts[n]!;
                const had = out[row + d]!;
                out[row + d] = had < 0 || had === p ? p : space.union(had, p);
              }
            }
          });
        }
        clearDestinations(false);
      }
    });
    // incoming: per ingress rule applying to the chunk, its blocks whose destinations hold a chunk class
    blocks.ingressRules.forEach((rule, i) => {
      const mine = rule.subjects.and(intoChunk);
      if (mine.isEmpty) return;
      const is = ports.specOf(rule);
      for (let n = this.ingressStart[i]!; n < this.ingressStart[i + 1]!; n++) {
        const k = this.byIngress[n]!;
        const egress = blocks.egressRules[blocks.egressRuleOf(k)]!;
        if (!egress.peers.intersects(mine)) continue;
        const es = ports.specOf(egress);
        addDestinations(egress.peers.and(mine), ports.portsTable(es, is), es, is, true);
        if (count) {
          visit++;
          blocks.sources(k).forEach((x) => {
            for (let j = start[x]!; j < start[x + 1]!; j++) {
              const src = toUnion[flat[j]!]!;
              if (changedAs[src]! & OUT || stamp[src] === visit) continue;
              stamp[src] = visit;
              const row = src * C;
              for (let m = 0; m < count; m++) {
                const cell = row + dests[m]!;
                const p = destPorts[m]!;
                const had = into[cell]!;
                into[cell] = had < 0 || had === p ? p : space.union(had, p);
              }
            }
          });
        }
        clearDestinations(true);
      }
    });
    this.visits = visit;
    return { out, into };
  }

  /** Lets go of what only rows() uses: the row buffers and the port tables per rule pair. */
  releaseRows(): void {
    this.rowCells = 0;
    this.outRows = this.intoRows = new Int32Array(0);
    this.ports.forgetTables();
  }

  /** Lets go of what only externalPieces uses: the class directions and the compiler's rebuilt peer sets. */
  releaseExternals(): void {
    this.directions = undefined;
    this.classesOf = undefined;
    this.base.compiler.forgetPeers();
  }

  /** A workload's external ranges in one direction (none when it is not on this side). */
  externalPieces(key: string, direction: 'egress' | 'ingress') {
    const ids = (this.classesOf ??= workloadClasses(this.base)).get(key);
    if (!ids) return [];
    const blocks = this.blocks;
    const directions = (this.directions ??= blockClassDirections(this.base, { egress: blocks.egressRules, ingress: blocks.ingressRules }, this.ports));
    const space = this.space;
    const external = ids.reduce((m, c) => m.union(directions(c, direction).external, space), AllowMap.EMPTY);
    return rangePieces(this.base, external);
  }
}
