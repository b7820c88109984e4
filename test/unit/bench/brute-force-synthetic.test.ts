/** The brute-force reference evaluator agrees with the engine on generated W1/W2/W3 clusters (small scale). */
import { describe, expect, it } from 'vitest';
import { bruteForceConnectivity, compareConnectivity } from '../../../src/bench/brute-force-evaluator.js';
import { generateCluster, mutate, SYNTHETIC_WORKLOADS } from '../../../src/bench/synthetic-cluster.js';
import { analyseCluster } from '../../../src/core/engine/analyse-cluster.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../src/core/engine/engine-settings.js';
import { workloadConnectivity } from '../../../src/core/engine/workload-connectivity.js';
import { buildClusterModel } from '../../../src/core/model/cluster-model.js';
import type { SnapshotContent } from '../../../src/core/model/snapshot.js';

function check(content: SnapshotContent, settings: EngineSettings) {
  const engine = workloadConnectivity(analyseCluster(buildClusterModel(content).model, settings));
  const brute = bruteForceConnectivity(content, settings);
  return { cmp: compareConnectivity(engine, brute), brute };
}

describe('brute force vs engine on synthetic clusters', () => {
  for (const workload of SYNTHETIC_WORKLOADS) {
    for (const seed of [1, 2, 3]) {
      it(`${workload} seed ${seed} (ipBlock matches pod IPs, and not; mutated too)`, () => {
        const content = generateCluster({ workload, scale: 0.004, seed });
        for (const c of [content, mutate(content, 0.02, seed)]) {
          for (const ipBlockPods of ['match', 'ignore'] as const) {
            const { cmp, brute } = check(c, { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods, hostNetwork: seed === 2 ? 'node' : 'pod' });
            expect(cmp, `${workload}/${seed}/${ipBlockPods}`).toMatchObject({ equal: true });
            expect(brute.invalidPolicies).toEqual([]);
            expect(cmp.workloadPairs).toBeGreaterThan(10);
          }
        }
      });
    }
  }
});
