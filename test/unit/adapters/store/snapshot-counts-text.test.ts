/** How a stored snapshot's size reads in `snapshot`, `run` and `history` output. */
import { describe, expect, it } from 'vitest';
import { podsAndPolicies, policyCount } from '../../../../src/adapters/store/history-store.js';

const counts = (pods: number, networkPolicies: number, adminNetworkPolicies = 0, baselineAdminNetworkPolicies = 0) => ({
  namespaces: 1,
  pods,
  networkPolicies,
  adminNetworkPolicies,
  baselineAdminNetworkPolicies,
});

describe('stored snapshot counts', () => {
  it('count every kind of policy', () => {
    expect(policyCount(counts(5, 3, 2, 1))).toBe(6);
  });

  it('read in the singular for one pod or one policy, in the plural otherwise', () => {
    expect(podsAndPolicies(counts(1, 1))).toBe('1 pod, 1 policy');
    expect(podsAndPolicies(counts(0, 0))).toBe('0 pods, 0 policies');
    expect(podsAndPolicies(counts(9, 0, 0, 1))).toBe('9 pods, 1 policy');
    expect(podsAndPolicies(counts(9, 8, 1, 1))).toBe('9 pods, 10 policies');
  });
});
