import { describe, expect, it } from 'vitest';
import { parseNetworkPolicy } from '../../../../src/core/model/network-policy.js';

const problems = (spec: unknown) => {
  const r = parseNetworkPolicy('ns', 'p', spec);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('NetworkPolicy validation', () => {
  it('defaults policyTypes: Ingress always, Egress iff egress rules are non-empty', () => {
    const d = (spec: unknown) => {
      const r = parseNetworkPolicy('ns', 'p', spec);
      if (!r.ok) throw new Error('invalid');
      return [r.value.affectsIngress, r.value.affectsEgress];
    };
    expect(d({ podSelector: {} })).toEqual([true, false]);
    expect(d({ podSelector: {}, egress: [{}] })).toEqual([true, true]);
    expect(d({ podSelector: {}, egress: [] })).toEqual([true, false]);
    expect(d({ podSelector: {}, policyTypes: [], egress: [{}] })).toEqual([true, true]);
    expect(d({ podSelector: {}, policyTypes: ['Egress'] })).toEqual([false, true]);
  });
  it('names the field and what was expected for each malformed part, all at once', () => {
    const list = problems({
      podSelector: { matchExpressions: [{ key: 'a', operator: 'Is', values: ['x'] }] },
      policyTypes: ['Ingres'],
      ingress: [
        { from: [{}], ports: [{ port: 0 }] },
        { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] }, podSelector: {} }] },
        { from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }], ports: [{ port: 'HTTP' }, { port: 80, endPort: 79 }, { port: 'web', endPort: 90 }, { protocol: 'ICMP' }] },
      ],
      podselector: {},
    });
    expect(list).toEqual(expect.arrayContaining([
      expect.stringMatching(/^spec\.podselector: unknown field \(did you mean "podSelector"\?\)/),
      expect.stringMatching(/^spec\.podSelector\.matchExpressions\[0\]\.operator: "Is" is not an operator/),
      expect.stringMatching(/^spec\.policyTypes\[0\]: expected "Ingress" or "Egress", found "Ingres"/),
      expect.stringMatching(/^spec\.ingress\[0\]\.from\[0\]: must specify a peer/),
      expect.stringMatching(/^spec\.ingress\[0\]\.ports\[0\]\.port: expected a port number from 1 to 65535/),
      expect.stringMatching(/^spec\.ingress\[1\]\.from\[0\]: ipBlock may not be combined/),
      expect.stringMatching(/^spec\.ingress\[2\]\.from\[0\]\.ipBlock\.except\[0\]: "11\.0\.0\.0\/16" must be a strict subset/),
      expect.stringMatching(/^spec\.ingress\[2\]\.ports\[0\]\.port: "HTTP" is not a valid port name/),
      expect.stringMatching(/^spec\.ingress\[2\]\.ports\[1\]\.endPort: must be greater than or equal to port \(80\)/),
      expect.stringMatching(/^spec\.ingress\[2\]\.ports\[2\]\.endPort: may not be set when port is a name/),
      expect.stringMatching(/^spec\.ingress\[2\]\.ports\[3\]\.protocol: "ICMP" is not supported/),
    ]));
  });
  it('requires In/NotIn values and forbids Exists values', () => {
    expect(problems({ podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } })[0]).toMatch(/values: must be non-empty when operator is In/);
    expect(problems({ podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] } })[0]).toMatch(/values: must be empty when operator is Exists/);
  });
  it('asks for quotes when YAML turned a label value into a number', () => {
    expect(problems({ podSelector: { matchLabels: { version: 2 } } })[0]).toMatch(/matchLabels\.version: expected a string value, found number 2 \(quote it in YAML\)/);
  });
});
