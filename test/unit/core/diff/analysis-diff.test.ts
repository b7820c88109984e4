/** The scalable diff equals the reference diff over full listings, on the public diff pairs and on generated clusters. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromManifests } from '../../../../src/app/manifest-snapshot.js';
import { diffAnalyses } from '../../../../src/core/diff/analysis-diff.js';
import { diffConnectivity, type ConnectivityChange } from '../../../../src/core/diff/connectivity-diff.js';
import { analyseCluster } from '../../../../src/core/engine/analyse-cluster.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../../src/core/engine/engine-settings.js';
import { workloadConnectivity } from '../../../../src/core/engine/workload-connectivity.js';
import { buildClusterModel } from '../../../../src/core/model/cluster-model.js';
import { connectionSetKey } from '../../../../src/core/model/connection-set.js';
import type { SnapshotContent } from '../../../../src/core/model/snapshot.js';
import { generateCluster, mutate } from '../../../../src/bench/synthetic-cluster.js';

const corpus = join(process.cwd(), '..', 'shared', 'conformance', 'netpol-analyzer');
const text = (list: readonly ConnectivityChange[]) =>
  list.map((c) => `${c.type} ${c.src} -> ${c.dst}: ${c.before ? connectionSetKey(c.before) : '-'} => ${c.after ? connectionSetKey(c.after) : '-'}${c.workloadChange ? ` (${c.workloadChange.workload} ${c.workloadChange.change})` : ''}`);

function both(b: SnapshotContent, a: SnapshotContent, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS) {
  const x = analyseCluster(buildClusterModel(b).model, settings);
  const y = analyseCluster(buildClusterModel(a).model, settings);
  return { fast: text(diffAnalyses(x, y)), reference: text(diffConnectivity(workloadConnectivity(x), workloadConnectivity(y))) };
}

describe('scalable connectivity diff', () => {
  it('equals the reference on every public diff pair', async () => {
    expect(existsSync(corpus)).toBe(true);
    const pairs = readFileSync(join(corpus, 'diff-pairs.tsv'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
    let changes = 0;
    for (const [before, after] of pairs) {
      const load = async (n: string | undefined) => (await snapshotFromManifests(join(corpus, 'cases', n!), { takenAt: '2026-01-01T00:00:00Z' })).snapshot;
      const r = both(await load(before), await load(after), { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods: 'ignore' });
      expect(r.fast, `${after} vs ${before}`).toEqual(r.reference);
      changes += r.reference.length;
    }
    expect(changes).toBeGreaterThan(1000);
  }, 120_000);

  it('equals the reference on generated clusters and their 1% mutations', () => {
    for (const workload of ['W1', 'W2', 'W3'] as const) {
      let changes = 0;
      for (const seed of [1, 2]) {
        const base = generateCluster({ workload, scale: 0.02, seed });
        const mutated = mutate(base, 0.02, seed + 7);
        const r = both(base, mutated);
        expect(r.fast, `${workload} seed ${seed}`).toEqual(r.reference);
        changes += r.reference.length;
      }
      expect(changes, `${workload}: the mutations change something`).toBeGreaterThan(0);
    }
  }, 120_000);
});
