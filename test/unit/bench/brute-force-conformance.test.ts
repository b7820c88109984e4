/**
 * The brute-force reference evaluator agrees with the engine on the bundled example and on every case of the
 * public conformance corpus (ipBlock does not match pod IPs there, as in the corpus' own harness).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromManifests } from '../../../src/app/manifest-snapshot.js';
import { bruteForceConnectivity, compareConnectivity } from '../../../src/bench/brute-force-evaluator.js';
import { analyseCluster } from '../../../src/core/engine/analyse-cluster.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../src/core/engine/engine-settings.js';
import { workloadConnectivity } from '../../../src/core/engine/workload-connectivity.js';
import { buildClusterModel } from '../../../src/core/model/cluster-model.js';
import type { Snapshot } from '../../../src/core/model/snapshot.js';

const corpus = join(process.cwd(), '..', 'shared', 'conformance', 'netpol-analyzer');

function agreement(snapshot: Snapshot, settings: EngineSettings) {
  const engine = workloadConnectivity(analyseCluster(buildClusterModel(snapshot).model, settings));
  const brute = bruteForceConnectivity(snapshot, settings);
  return { cmp: compareConnectivity(engine, brute), brute };
}

describe('brute force vs engine', () => {
  it('agrees on examples/shop (every setting combination)', async () => {
    const { snapshot } = await snapshotFromManifests('examples/shop', { takenAt: '2026-01-01T00:00:00Z' });
    for (const ipBlockPods of ['match', 'ignore'] as const) {
      for (const hostNetwork of ['pod', 'node'] as const) {
        const { cmp } = agreement(snapshot, { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods, hostNetwork });
        expect(cmp, `${ipBlockPods}/${hostNetwork}`).toMatchObject({ equal: true });
        expect(cmp.workloadPairs).toBeGreaterThan(5);
      }
    }
  });

  it.skipIf(!existsSync(corpus))('agrees on every case of the conformance corpus', async () => {
    const cases = readFileSync(join(corpus, 'cases.tsv'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')[0]!);
    const settings = { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods: 'ignore' as const };
    const failures: string[] = [];
    let compared = 0;
    let pairs = 0;
    for (const name of cases) {
      const { snapshot } = await snapshotFromManifests(join(corpus, 'cases', name), { takenAt: '2026-01-01T00:00:00Z' });
      const { cmp, brute } = agreement(snapshot, settings);
      compared++;
      pairs += brute.podPairs;
      if (!cmp.equal) failures.push(`${name}: missing ${JSON.stringify(cmp.missing)} unexpected ${JSON.stringify(cmp.unexpected)}`);
    }
    process.stdout.write(`brute force vs engine: ${compared - failures.length}/${compared} conformance cases agree (${cases.length} in cases.tsv, none skipped; ${pairs} pod pairs)\n`);
    expect(failures).toEqual([]);
    expect(compared).toBe(cases.length);
  });
});
