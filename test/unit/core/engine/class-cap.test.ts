/** Beyond the class cap the engine stops with an explanation instead of a result computed half-way. */
import { describe, expect, it } from 'vitest';
import { ClassCapExceededError } from '../../../../src/core/engine/class-cap.js';
import { UserError } from '../../../../src/core/model/user-error.js';
import { analyse, netpol, ns, pod } from '../../../support/cluster-fixture.js';

// every pod's unique `instance` value is named by some selector, so every pod is its own class
const cluster = (pods: number) => [
  ns('a'),
  ...Array.from({ length: pods }, (_, i) => pod('a', `p${i}`, { labels: { app: 'web', instance: `p${i}` } })),
  netpol('a', 'pin', {
    podSelector: { matchExpressions: [{ key: 'instance', operator: 'In', values: Array.from({ length: pods }, (_, i) => `p${i}`) }] },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
  }),
];

describe('class cap', () => {
  it('analyses up to the cap', () => {
    expect(analyse(cluster(6), { maxClasses: 6 }).classes).toHaveLength(6);
  });

  it('stops beyond it, naming the counts, the label key that splits the pods and what to do', () => {
    let error: unknown;
    try {
      analyse(cluster(7), { maxClasses: 6 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClassCapExceededError);
    expect(error).toBeInstanceOf(UserError); // the CLI prints it with exit code 2, not as a bug
    const e = error as ClassCapExceededError;
    expect(e.classes).toBe(7);
    expect(e.cap).toBe(6);
    expect(e.spread[0]).toEqual({ key: 'instance', values: 7 });
    expect(e.message).toContain('7 pods fall into 7 pod classes, more than the cap of 6');
    expect(e.message).toContain('instance (7 values)');
    expect(e.hint).toContain('--max-classes');
  });

  it('has a default cap far above ordinary clusters', () => {
    expect(() => analyse(cluster(50))).not.toThrow();
  });
});
