/**
 * Each workload's peers, both ways, computed from reach blocks — as classes and as workloads — equal those
 * derived from the engine's reach rows (the union of its classes' rows; as workloads, rowWorkloadPeers): on
 * the public conformance corpus and on generated clusters (W3's per-pod named ports, unique labels and admin
 * tiers included).
 */
import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../../../src/bench/synthetic-cluster.js';
import { analysePolicies, combineDirections, completeAnalysis } from '../../../../src/core/engine/analyse-cluster.js';
import { Bitset } from '../../../../src/core/engine/bitset.js';
import { workloadPeerClasses, workloadPeerWorkloads } from '../../../../src/core/engine/block-workload-reach.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../../src/core/engine/engine-settings.js';
import { reachBlocks } from '../../../../src/core/engine/reach-blocks.js';
import { workloadClasses } from '../../../../src/core/engine/workload-connectivity.js';
import { rowWorkloadPeers } from '../../../../src/core/engine/workload-peers.js';
import { buildClusterModel } from '../../../../src/core/model/cluster-model.js';
import type { SnapshotContent } from '../../../../src/core/model/snapshot.js';
import { conformanceSnapshots } from '../../../support/conformance-cases.js';

/** Workloads whose peer classes differ, and how many peer classes were compared. */
function compare(content: SnapshotContent, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS) {
  const base = analysePolicies(buildClusterModel(content).model, settings);
  const blocks = reachBlocks(base);
  const fromBlocks = workloadPeerClasses(base, blocks);
  const asWorkloads = workloadPeerWorkloads(base, blocks);
  const analysis = completeAnalysis(base);
  const rows = { egress: analysis.reach.map((m) => m.peers()), ingress: combineDirections(base.classes.length, analysis.egress, analysis.ingress, base.compiler).map((m) => m.peers()) };
  const fromRows = rowWorkloadPeers(analysis);
  const byWorkload = workloadClasses(base);
  const differing: string[] = [];
  let peers = 0;
  for (const [key, ids] of byWorkload) {
    const mine = fromBlocks.get(key);
    const mineAsWorkloads = asWorkloads.peers.get(key);
    for (const d of ['egress', 'ingress'] as const) {
      const expected = Bitset.union(ids.map((c) => rows[d][c]!));
      if (mine?.[d].toArray().join(',') !== expected.toArray().join(',')) differing.push(`${key} ${d}`);
      // as workloads: the workloads of those classes, and what rowWorkloadPeers gives
      const expectedWorkloads = [...new Set(expected.toArray().flatMap((c) => base.classes[c]!.workloads))].sort();
      const got = (mineAsWorkloads?.[d].toArray() ?? []).map((i) => asWorkloads.keys[i]!).sort();
      if (got.join(',') !== expectedWorkloads.join(',')) differing.push(`${key} ${d} as workloads`);
      const rowGot = (fromRows.peers.get(key)?.[d].toArray() ?? []).map((i) => fromRows.keys[i]!).sort();
      if (rowGot.join(',') !== expectedWorkloads.join(',')) differing.push(`${key} ${d} rowWorkloadPeers`);
      peers += expected.size;
    }
  }
  if (fromBlocks.size !== byWorkload.size) differing.push(`${fromBlocks.size} workloads from blocks, ${byWorkload.size} in the cluster`);
  return { differing, peers };
}

describe('workload peers from reach blocks', () => {
  it('equal the audit facts on every case of the conformance corpus', async () => {
    const failures: string[] = [];
    let compared = 0;
    let peers = 0;
    for await (const { name, snapshot } of conformanceSnapshots()) {
      const r = compare(snapshot, { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods: 'ignore', peerSets: 'runs' });
      if (r.differing.length) failures.push(`${name}: ${r.differing.slice(0, 3).join('; ')}`);
      compared++;
      peers += r.peers;
    }
    expect(failures).toEqual([]);
    expect(compared).toBeGreaterThan(150);
    expect(peers).toBeGreaterThan(1000);
  }, 120_000);

  it('equal the audit facts on generated clusters', () => {
    for (const workload of ['W1', 'W2', 'W3'] as const) {
      for (const seed of [1, 2]) {
        const r = compare(generateCluster({ workload, scale: 0.015, seed }), { ...DEFAULT_ENGINE_SETTINGS, peerSets: seed === 1 ? 'runs' : 'auto' });
        expect(r.differing, `${workload} seed ${seed}`).toEqual([]);
        expect(r.peers, `${workload} seed ${seed}: workloads have peers`).toBeGreaterThan(100);
      }
    }
  }, 120_000);
});
