import type { PolicyCheck } from '../check.js';
import { lowerSeverity } from '../severity.js';

export const defaultDenyMissing: PolicyCheck = {
  id: 'default-deny-missing',
  needs: 'policies',
  title: 'Namespace without default-deny',
  category: 'isolation',
  defaultSeverity: 'high',
  rationale:
    'A default-deny NetworkPolicy (empty podSelector) isolates every pod of a namespace, including pods created later, so that only explicitly allowed traffic flows. Without one, any new or relabelled pod is reachable from everywhere and can reach everything.',
  remediation:
    'Add a NetworkPolicy with `podSelector: {}` listing the missing direction(s) in policyTypes, then allow what each workload needs (remember DNS for egress).',
  snippet: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: <namespace>
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]`,
  controls: ['CIS-5.3.2', 'NIST-SC-7(5)', 'PCI-1.3.1', 'PCI-1.3.2', 'SOC2-CC6.6'],
  run({ facts }) {
    const out = [];
    for (const ns of facts.namespaces.values()) {
      if (ns.workloads.length === 0) continue;
      const ingress = ns.defaultDeny.ingress.length > 0;
      const egress = ns.defaultDeny.egress.length > 0;
      if (ingress && egress) continue;
      const status = !ingress && !egress ? 'none' : ingress ? 'ingress only' : 'egress only';
      const missing = !ingress && !egress ? 'ingress and egress' : ingress ? 'egress' : 'ingress';
      out.push({
        namespace: ns.name,
        message: `namespace ${ns.name} has default-deny: ${status}; ${missing} of its ${ns.pods} pod${ns.pods === 1 ? '' : 's'} is not denied by default`,
        ...(status === 'none' ? {} : { severity: lowerSeverity(this.defaultSeverity) }),
        details: { defaultDeny: status, policies: ns.defaultDeny },
      });
    }
    return out;
  },
};
