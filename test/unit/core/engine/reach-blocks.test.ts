/**
 * Reach blocks (steps 1 and 2 of docs/factorised-engine.md) expand to exactly the engine's pod-to-pod reach,
 * row by row and port set by port set: on the public conformance corpus (admin tiers included) and on generated
 * clusters (W3's unique labels, per-pod named ports and admin tiers included, and W3 without its admin tiers).
 */
import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../../../src/bench/synthetic-cluster.js';
import { analysePolicies, completeAnalysis } from '../../../../src/core/engine/analyse-cluster.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../../src/core/engine/engine-settings.js';
import { expandReach, reachBlocks } from '../../../../src/core/engine/reach-blocks.js';
import { buildClusterModel } from '../../../../src/core/model/cluster-model.js';
import type { SnapshotContent } from '../../../../src/core/model/snapshot.js';
import { conformanceSnapshots } from '../../../support/conformance-cases.js';

/** Rows that differ between the blocks' expansion and the engine, and the class pairs both connect. */
function compare(content: SnapshotContent, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS) {
  const base = analysePolicies(buildClusterModel(content).model, settings);
  const blocks = reachBlocks(base);
  const expanded = expandReach(base, blocks);
  const engine = completeAnalysis(base).reach;
  const differing: number[] = [];
  let pairs = 0;
  engine.forEach((row, c) => {
    if (!row.equals(expanded[c]!)) differing.push(c);
    for (const seg of row.segments) pairs += seg.peers.size;
  });
  return { differing, pairs, blocks: blocks.count, classes: base.classes.length };
}

const withoutAdminTiers = (c: SnapshotContent): SnapshotContent => ({ ...c, adminNetworkPolicies: [], baselineAdminNetworkPolicies: [] });

describe('reach blocks', () => {
  it('expand to the engine reach on every case of the conformance corpus', async () => {
    let compared = 0;
    let withAdmin = 0;
    let pairs = 0;
    const failures: string[] = [];
    for await (const { name, snapshot } of conformanceSnapshots()) {
      if (snapshot.adminNetworkPolicies.length || snapshot.baselineAdminNetworkPolicies.length) withAdmin++;
      for (const ipBlockPods of ['ignore', 'match'] as const) {
        const r = compare(snapshot, { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods });
        if (r.differing.length) failures.push(`${name} (${ipBlockPods}): rows ${r.differing.slice(0, 5).join(', ')} differ`);
        compared++;
        pairs += r.pairs;
      }
    }
    expect(failures).toEqual([]);
    expect(compared).toBeGreaterThan(300);
    expect(withAdmin, 'cases with admin tiers').toBeGreaterThan(20);
    expect(pairs).toBeGreaterThan(1000);
  }, 120_000);

  it('expand to the engine reach on generated clusters, per-pod named ports and unique labels included', () => {
    for (const [workload, strip] of [['W1', false], ['W2', false], ['W3', false], ['W3', true]] as const) {
      for (const seed of [1, 2]) {
        const generated = generateCluster({ workload, scale: 0.015, seed });
        const r = compare(strip ? withoutAdminTiers(generated) : generated);
        expect(r.differing, `${workload} seed ${seed}`).toEqual([]);
        expect(r.pairs, `${workload} seed ${seed}: something is connected`).toBeGreaterThan(100);
        expect(r.blocks).toBeGreaterThan(10);
      }
    }
  }, 120_000);
});
