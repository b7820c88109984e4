import type { PolicyCheck } from '../check.js';
import { anyAddressRules } from './any-address-rules.js';

export const egressToAnyAddress: PolicyCheck = {
  id: 'egress-to-any-address',
  needs: 'policies',
  title: 'Egress allowed to any address',
  category: 'exposure',
  defaultSeverity: 'medium',
  rationale:
    'A rule with no destinations (`to` absent or empty) or an ipBlock/networks peer of 0.0.0.0/0 or ::/0 lets pods open connections anywhere, which is how data leaves a compromised workload.',
  remediation: 'Allow egress only to the services and CIDRs the workload needs (DNS, its databases, named external APIs).',
  controls: ['NIST-SC-7', 'NIST-SC-7(5)', 'PCI-1.3.2'],
  run({ facts }) {
    return anyAddressRules(facts.analysis.model, 'egress');
  },
};
