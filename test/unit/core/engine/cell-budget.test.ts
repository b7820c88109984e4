/**
 * The pair-cell limit: the engine counts the cells of every allow map and reach row it builds and stops with
 * an explanation as soon as they pass the limit, in whichever phase that happens; at or under the limit the
 * result is the one computed without a limit.
 */
import { describe, expect, it } from 'vitest';
import type { AllowMap } from '../../../../src/core/engine/allow-map.js';
import { CellLimitExceededError } from '../../../../src/core/engine/cell-budget.js';
import { EngineLimitError } from '../../../../src/core/engine/engine-limit-error.js';
import { DEFAULT_MAX_PAIR_CELLS } from '../../../../src/core/engine/engine-settings.js';
import { UserError } from '../../../../src/core/model/user-error.js';
import { analyse, netpol, ns, pod } from '../../../support/cluster-fixture.js';

// pods with their own named-port numbers, admitted from most others: every class is its own ingress group
const PODS = 12;
const cluster = () => [
  ns('a'),
  ...Array.from({ length: PODS }, (_, i) =>
    pod('a', `p${i}`, { labels: { app: 'web', instance: `p${i}` }, ports: [{ name: 'http', containerPort: 8000 + i, protocol: 'TCP' }] }),
  ),
  netpol('a', 'pin', {
    podSelector: { matchExpressions: [{ key: 'instance', operator: 'NotIn', values: ['p0'] }] },
    ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'instance', operator: 'NotIn', values: ['p1'] }] } }], ports: [{ port: 'http' }] }],
  }),
];

/** Cells of the distinct maps (each is built, and charged, once). */
function cells(maps: readonly AllowMap[]): number {
  let n = 0;
  for (const m of new Set(maps)) for (const s of m.segments) n += s.peers.words.length * 32;
  return n;
}

function stopOf(maxPairCells: number): CellLimitExceededError {
  try {
    analyse(cluster(), { maxPairCells });
  } catch (e) {
    if (e instanceof CellLimitExceededError) return e;
    throw e;
  }
  throw new Error(`no stop at maxPairCells ${maxPairCells}`);
}

describe('pair-cell limit', () => {
  const full = analyse(cluster());
  const ingress = cells(full.ingress.map((c) => c.allow));
  const egress = cells(full.egress.map((c) => c.allow));
  const reach = cells(full.reach);
  const total = ingress + egress + reach;

  it('analyses up to the limit, with the same result as without one', () => {
    expect(ingress).toBeGreaterThan(0);
    expect(reach).toBeGreaterThan(0);
    const exact = analyse(cluster(), { maxPairCells: total });
    expect(exact.reach.map((m) => m.key())).toEqual(full.reach.map((m) => m.key()));
    expect(total).toBeLessThan(DEFAULT_MAX_PAIR_CELLS);
  });

  it('stops in the phase where the cells pass the limit, with the counts and what to do', () => {
    const inReach = stopOf(total - 1);
    expect(inReach).toBeInstanceOf(EngineLimitError); // a fleet report shows the cluster as not analysed
    expect(inReach).toBeInstanceOf(UserError); // the CLI prints it with exit code 2, not as a bug
    expect(inReach.phase).toBe('pod-to-pod reach');
    expect(inReach.cells).toBe(total);
    expect(inReach.limit).toBe(total - 1);
    expect(inReach.message).toContain(`${PODS} pods in ${PODS} pod classes: the analysis stopped while computing the pod-to-pod reach`);
    expect(inReach.message).toContain(`more than the limit of ${(total - 1).toLocaleString('en-US')}`);
    expect(inReach.hint).toContain('--max-pair-cells');
    expect(inReach.summary).toBe(`${total} class-pair cells in the pod-to-pod reach, limit ${total - 1}`);

    const inEgress = stopOf(ingress + egress - 1);
    expect(inEgress.phase).toBe('egress allow maps');
    expect(inEgress.cells).toBe(ingress + egress);

    const inIngress = stopOf(1);
    expect(inIngress.phase).toBe('ingress allow maps');
    expect(inIngress.classesDone).toBe(1);
  });
});
