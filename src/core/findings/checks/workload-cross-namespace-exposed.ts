import type { Check, FindingDraft } from '../check.js';

export const workloadCrossNamespaceExposed: Check = {
  id: 'workload-cross-namespace-exposed',
  title: 'Workload reachable from other namespaces',
  category: 'exposure',
  defaultSeverity: 'low',
  rationale:
    'Namespaces are the usual tenancy boundary. A workload reachable from other namespaces trusts workloads its team does not own; every such path should be intended and reviewed (shared services like DNS are expected).',
  remediation: 'Limit ingress from other namespaces to the specific namespaces and workloads that call this one.',
  controls: ['NIST-SC-7', 'PCI-1.3.1', 'SOC2-CC6.6'],
  run({ facts }) {
    const out: FindingDraft[] = [];
    for (const w of facts.workloads.values()) {
      const others = [...w.ingress.peers].filter((p) => !p.startsWith(`${w.namespace}/`));
      if (!others.length) continue;
      const namespaces = [...new Set(others.map((p) => p.split('/')[0]!))].sort();
      out.push({
        namespace: w.namespace,
        workload: w.key,
        message: `${w.key} is reachable from ${others.length} workload${others.length === 1 ? '' : 's'} in ${namespaces.length} other namespace${namespaces.length === 1 ? '' : 's'} (${namespaces.join(', ')})`,
        details: { namespaces, workloads: others.sort() },
      });
    }
    return out;
  },
};
