import type { PolicyCheck } from '../check.js';
import { anyAddressRules } from './any-address-rules.js';

export const ingressFromAnyAddress: PolicyCheck = {
  id: 'ingress-from-any-address',
  needs: 'policies',
  title: 'Ingress allowed from any address',
  category: 'exposure',
  defaultSeverity: 'medium',
  rationale:
    'A rule with no sources (`from` absent or empty, or `ingress: [{}]`) or an ipBlock of 0.0.0.0/0 or ::/0 admits every address, inside and outside the cluster, including the internet when the workload is published.',
  remediation: 'Name the sources: pods and namespaces by selector, external clients by the narrowest CIDRs, and restrict the ports.',
  controls: ['NIST-SC-7', 'PCI-1.3.1', 'SOC2-CC6.6'],
  run({ facts }) {
    return anyAddressRules(facts.analysis.model, 'ingress');
  },
};
