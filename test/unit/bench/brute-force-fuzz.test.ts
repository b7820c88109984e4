/**
 * Random small clusters (test/support/random-cluster.ts): the brute-force evaluator and the engine must agree
 * on every one, under every setting.
 */
import { describe, expect, it } from 'vitest';
import { bruteForceConnectivity, compareConnectivity } from '../../../src/bench/brute-force-evaluator.js';
import { analyseCluster } from '../../../src/core/engine/analyse-cluster.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../src/core/engine/engine-settings.js';
import { workloadConnectivity } from '../../../src/core/engine/workload-connectivity.js';
import { buildClusterModel } from '../../../src/core/model/cluster-model.js';
import { randomCluster } from '../../support/random-cluster.js';

const SETTINGS: EngineSettings[] = [];
for (const ipBlockPods of ['match', 'ignore'] as const) for (const hostNetwork of ['pod', 'node'] as const) for (const ipFamilies of ['auto', 'dual'] as const) SETTINGS.push({ ...DEFAULT_ENGINE_SETTINGS, ipBlockPods, hostNetwork, ipFamilies });

describe('brute force vs engine on random clusters', () => {
  it('agree on 400 seeded random clusters under 8 setting combinations', () => {
    const failures: string[] = [];
    let compared = 0;
    for (let seed = 0; seed < 400; seed++) {
      const content = randomCluster(seed);
      const { model, problems } = buildClusterModel(content);
      if (problems.some((p) => p.severity === 'error')) continue; // the generator may write an invalid policy; both skip those
      for (const settings of SETTINGS) {
        const engine = workloadConnectivity(analyseCluster(model, settings));
        const cmp = compareConnectivity(engine, bruteForceConnectivity(content, settings));
        compared++;
        if (!cmp.equal) {
          failures.push(`seed ${seed} ${JSON.stringify(settings)}: engine only ${JSON.stringify(cmp.missing)}, brute only ${JSON.stringify(cmp.unexpected)}`);
          break;
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(compared).toBeGreaterThan(2000);
  });
});
