/**
 * The workload connectivity listing from reach blocks (docs/factorised-engine.md, step 5): the same listing
 * `workloadConnectivity` gives from a complete analysis, for clusters beyond the class cap. Each block
 * connects its sources to each of its destinations on the ports both its rules leave there (named ports
 * resolved on the destination); a workload pair's ports are the union over the blocks that connect their
 * classes. External ranges come from each class's direction facts (blockClassDirections). The work is per
 * block and workload pair, and the listing is the output itself: its size is bounded by a limit of its own
 * (ConnectionListLimitError), charged to the engine's pair-cell limit, so a cluster whose listing cannot fit
 * is refused early with an explanation instead of running out of memory. Pure: no I/O.
 */
import { AllowMap } from './allow-map.js';
import type { PolicyAnalysis } from './analyse-cluster.js';
import { BlockPorts } from './block-ports.js';
import { blockClassDirections } from './class-directions.js';
import { EngineLimitError } from './engine-limit-error.js';
import { DEFAULT_MAX_PAIR_CELLS } from './engine-settings.js';
import type { PortSetId } from './port-space.js';
import { reachBlocks, type ReachBlocks } from './reach-blocks.js';
import { assembleConnectivity, type WorkloadConnectivity } from './workload-connectivity.js';
import { ClassWorkloads } from './workload-peers.js';

/** What one listed workload pair costs, in the cells of the pair-cell limit: about 200 bytes (map entry, object, text). */
export const CELLS_PER_LISTED_PAIR = 1_600;

export class ConnectionListLimitError extends EngineLimitError {
  constructor(
    readonly pairs: number,
    readonly limit: number,
    /** Whether `pairs` is the listing's size (counted beforehand) or how far the listing got. */
    readonly counted = false,
    /** What was listed: a cluster's connections, or the changes between two snapshots' (block-connectivity-diff.ts). */
    readonly of: 'connections' | 'changes' = 'connections',
  ) {
    const n = (x: number) => x.toLocaleString('en-US');
    const [doing, unit] = of === 'changes' ? ['comparing the connections from reach blocks', 'changed workload pairs'] : ['listing the connections from reach blocks', 'connected workload pairs'];
    super(
      `${doing} ${counted ? 'would hold' : 'passed'} ${n(pairs)} ${unit} (${n(CELLS_PER_LISTED_PAIR)} cells each), ` +
        `more than the limit of ${n(limit)} cells; ${counted ? 'it was not started' : 'it stopped'} rather than run out of memory, and the ${of === 'changes' ? 'changes' : 'listing'} would be too long to read.`,
      'audit the cluster instead (`netpol-audit audit` gives each workload\'s reach as counts, namespaces and findings), list a part of it ' +
        'from a manifest folder of some namespaces, or raise the limit with --max-pair-cells (engine.maxPairCells in the configuration)',
    );
    this.name = 'ConnectionListLimitError';
  }

  get summary(): string {
    return `${this.counted ? '' : 'more than '}${this.pairs} ${this.of === 'changes' ? 'changed' : 'connected'} workload pairs, limit ${Math.floor(this.limit / CELLS_PER_LISTED_PAIR)}`;
  }
}

/**
 * Refuses a listing known to hold `pairs` connected workload pairs (e.g. counted from an audit's workload
 * facts) when it would pass the limit, before any of it is computed.
 */
export function checkListingFits(pairs: number, base: PolicyAnalysis): void {
  const limit = base.settings.maxPairCells ?? DEFAULT_MAX_PAIR_CELLS;
  if (pairs * CELLS_PER_LISTED_PAIR > limit) throw new ConnectionListLimitError(pairs, limit, true);
}

/** Every workload's connections, as `workloadConnectivity(completeAnalysis(base))` lists them. */
export function blockWorkloadConnectivity(base: PolicyAnalysis): WorkloadConnectivity {
  const blocks = reachBlocks(base);
  const ports = new BlockPorts(base);
  const reach = workloadPairs(base, blocks, ports, new ClassWorkloads(base));
  const directions = blockClassDirections(base, { egress: blocks.egressRules, ingress: blocks.ingressRules }, ports);
  const space = base.compiler.ports;
  const none: ReadonlyMap<string, PortSetId> = new Map();
  return assembleConnectivity(base, {
    reach: (w) => reach.get(w) ?? none,
    external: (ids, direction) => ids.reduce((m, c) => m.union(directions(c, direction).external, space), AllowMap.EMPTY),
  });
}

/** Source workload key -> destination workload key -> the ports of the pair (a workload's pairs with itself left out). */
function workloadPairs(base: PolicyAnalysis, blocks: ReachBlocks, ports: BlockPorts, workloads: ClassWorkloads): Map<string, Map<string, PortSetId>> {
  const space = base.compiler.ports;
  const { keys, start, flat } = workloads;
  const W = keys.length;
  const limit = base.settings.maxPairCells ?? DEFAULT_MAX_PAIR_CELLS;
  // by src * W + dst (W² stays far below 2⁵³)
  const pairs = new Map<number, PortSetId>();
  const toDestination = new Map<number, PortSetId>();
  const stamp = new Int32Array(W).fill(-1);
  const sourceWorkloads: number[] = [];
  for (let k = 0; k < blocks.count; k++) {
    const destinations = blocks.destinations(k);
    if (destinations.isEmpty) continue;
    const es = ports.specOf(blocks.egressRules[blocks.egressRuleOf(k)]!);
    const is = ports.specOf(blocks.ingressRules[blocks.ingressRuleOf(k)]!);
    // per destination workload, the ports this block leaves on its classes
    toDestination.clear();
    destinations.forEach((y) => {
      const p = ports.blockPortsOn(es, is, y);
      if (p === space.none) return;
      for (let j = start[y]!; j < start[y + 1]!; j++) {
        const w = flat[j]!;
        const had = toDestination.get(w);
        toDestination.set(w, had === undefined ? p : space.union(had, p));
      }
    });
    if (!toDestination.size) continue;
    sourceWorkloads.length = 0;
    blocks.sources(k).forEach((x) => {
      for (let j = start[x]!; j < start[x + 1]!; j++) {
        const w = flat[j]!;
        if (stamp[w] === k) continue;
        stamp[w] = k;
        sourceWorkloads.push(w);
      }
    });
    for (const src of sourceWorkloads) {
      for (const [dst, p] of toDestination) {
        if (src === dst) continue;
        const key = src * W + dst;
        const had = pairs.get(key);
        if (had === undefined) {
          pairs.set(key, p);
          if (pairs.size * CELLS_PER_LISTED_PAIR > limit) throw new ConnectionListLimitError(pairs.size, limit);
        } else if (had !== p) pairs.set(key, space.union(had, p));
      }
    }
  }
  const out = new Map<string, Map<string, PortSetId>>();
  for (const [key, p] of pairs) {
    const src = keys[Math.floor(key / W)]!;
    let row = out.get(src);
    if (!row) out.set(src, (row = new Map()));
    row.set(keys[key % W]!, p);
  }
  return out;
}
