/**
 * policy-redundant is computed incrementally (only the groups and sources a policy touches). Verify it
 * against the definition on every public conformance case: recompute the whole connectivity without the
 * policy and compare.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromManifests } from '../../../../src/app/manifest-snapshot.js';
import { analyseCluster } from '../../../../src/core/engine/analyse-cluster.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../../../src/core/engine/engine-settings.js';
import { changesFuturePods, policyImpact } from '../../../../src/core/engine/policy-impact.js';
import { workloadConnectivity } from '../../../../src/core/engine/workload-connectivity.js';
import { diffConnectivity } from '../../../../src/core/diff/connectivity-diff.js';
import { buildClusterModel } from '../../../../src/core/model/cluster-model.js';
import type { Snapshot } from '../../../../src/core/model/snapshot.js';

const corpus = join(process.cwd(), '..', 'shared', 'conformance', 'netpol-analyzer');
const settings = { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods: 'ignore' as const };

function without(s: Snapshot, id: string): Snapshot {
  return {
    ...s,
    networkPolicies: s.networkPolicies.filter((p) => `${p.namespace}/${p.name}` !== id),
    adminNetworkPolicies: s.adminNetworkPolicies.filter((p) => `anp/${p.name}` !== id),
    baselineAdminNetworkPolicies: s.baselineAdminNetworkPolicies.filter((p) => `banp/${p.name}` !== id),
  };
}

describe('policy redundancy agrees with a full recomputation', () => {
  it('on every conformance case', async () => {
    expect(existsSync(corpus), `conformance corpus missing at ${corpus}`).toBe(true);
    const cases = readFileSync(join(corpus, 'cases.tsv'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')[0]!);
    let policies = 0;
    let redundant = 0;
    for (const name of cases) {
      const { snapshot } = await snapshotFromManifests(join(corpus, 'cases', name), { takenAt: '2026-01-01T00:00:00Z' });
      const model = buildClusterModel(snapshot).model;
      const analysis = analyseCluster(model, settings);
      const base = workloadConnectivity(analysis);
      const ids = [...model.networkPolicies.map((p) => p.id), ...model.adminPolicies.map((p) => p.id), ...(model.baselinePolicy ? [model.baselinePolicy.id] : [])];
      for (const id of ids) {
        policies++;
        const fast = policyImpact(analysis, id).redundant;
        const recomputed = workloadConnectivity(analyseCluster(buildClusterModel(without(snapshot, id)).model, settings));
        const same = diffConnectivity(base, recomputed).length === 0;
        const expected = same && !changesFuturePods(analysis, id);
        expect(fast, `${name}: ${id}`).toBe(expected);
        if (fast) redundant++;
      }
    }
    expect(policies).toBeGreaterThan(250);
    expect(redundant).toBeGreaterThan(0);
    process.stdout.write(`redundancy check: ${policies} policies over ${cases.length} cases, ${redundant} redundant\n`);
  }, 300_000);
});
