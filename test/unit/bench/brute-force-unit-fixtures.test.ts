/**
 * Every cluster the engine's rule-by-rule unit tests build is also evaluated by the brute-force reference
 * evaluator, and the two must agree. The engine test files are imported here with the fixture helper wrapped,
 * so their tests run again (unchanged) and each fixture they analyse is compared as a side effect.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { bruteForceConnectivity, compareConnectivity } from '../../../src/bench/brute-force-evaluator.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../src/core/engine/engine-settings.js';
import { workloadConnectivity } from '../../../src/core/engine/workload-connectivity.js';

const seen = { fixtures: 0, failures: [] as string[] };

vi.mock('../../support/cluster-fixture.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../support/cluster-fixture.js')>();
  const check = (objects: unknown[], settings: Partial<EngineSettings>, analysis: ReturnType<typeof orig.analyse>) => {
    if (analysis.problems.some((p) => p.severity === 'error')) return;
    const full = { ...DEFAULT_ENGINE_SETTINGS, ...settings };
    const brute = bruteForceConnectivity(orig.snapshotOf(objects).snapshot, full);
    const cmp = compareConnectivity(workloadConnectivity(analysis), brute);
    seen.fixtures++;
    if (!cmp.equal) seen.failures.push(`${JSON.stringify(full)} missing ${JSON.stringify(cmp.missing)} unexpected ${JSON.stringify(cmp.unexpected)} in ${JSON.stringify(objects)}`);
  };
  const analyse: typeof orig.analyse = (objects, settings = {}) => {
    const a = orig.analyse(objects, settings);
    check(objects, settings, a);
    return a;
  };
  const connectivity: typeof orig.connectivity = (objects, settings = {}) => {
    check(objects, settings, orig.analyse(objects, settings));
    return orig.connectivity(objects, settings);
  };
  return { ...orig, analyse, connectivity };
});

await import('../core/engine/network-policy-semantics.test.js');
await import('../core/engine/admin-policy-semantics.test.js');

describe('brute force vs engine on the unit fixtures', () => {
  it('agrees on every fixture the engine unit tests analyse', () => {
    expect(seen.failures).toEqual([]);
    expect(seen.fixtures).toBeGreaterThan(30);
  });
  afterAll(() => {
    process.stdout.write(`brute force vs engine: ${seen.fixtures - seen.failures.length}/${seen.fixtures} unit fixtures agree\n`);
  });
});
