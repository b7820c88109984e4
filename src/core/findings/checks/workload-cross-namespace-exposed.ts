import { Bitset } from '../../engine/bitset.js';
import type { AllowSetCheck, FindingDraft } from '../check.js';

export const workloadCrossNamespaceExposed: AllowSetCheck = {
  id: 'workload-cross-namespace-exposed',
  needs: 'allow-sets',
  title: 'Workload reachable from other namespaces',
  category: 'exposure',
  defaultSeverity: 'low',
  rationale:
    'Namespaces are the usual tenancy boundary. A workload reachable from other namespaces trusts workloads its team does not own; every such path should be intended and reviewed (shared services like DNS are expected).',
  remediation: 'Limit ingress from other namespaces to the specific namespaces and workloads that call this one.',
  controls: ['NIST-SC-7', 'PCI-1.3.1', 'SOC2-CC6.6'],
  run({ facts }) {
    const out: FindingDraft[] = [];
    const { index } = facts.analysis;
    // workloads of a namespace often share their inbound peers: count and sample each set once
    const peers = new WeakMap<object, Map<string, { sample: string[]; count: number }>>();
    // peer namespace sets are shared between workloads: sort each once
    const sorted = new WeakMap<ReadonlySet<string>, string[]>();
    for (const w of facts.workloads.values()) {
      let all = sorted.get(w.ingress.peerNamespaces);
      if (!all) sorted.set(w.ingress.peerNamespaces, (all = [...w.ingress.peerNamespaces].sort()));
      const namespaces = all.filter((n) => n !== w.namespace);
      if (!namespaces.length) continue;
      let byNamespace = peers.get(w.ingress.peerClasses);
      if (!byNamespace) peers.set(w.ingress.peerClasses, (byNamespace = new Map()));
      let found = byNamespace.get(w.namespace);
      if (!found) {
        // the peers outside its own namespace (classes are numbered namespace by namespace); the
        // workload itself is inside, so it is never among them
        const own = index.namespaceRange.get(w.namespace);
        const outside = own ? w.ingress.peerClasses.andNot(Bitset.range(own[0], own[1])) : w.ingress.peerClasses;
        const sample = facts.peerWorkloads(outside, w.key, 50);
        found = { sample, count: sample.length < 50 ? sample.length : facts.countPeerWorkloadsOutside(w.ingress.peerClasses, w.namespace) };
        byNamespace.set(w.namespace, found);
      }
      const { sample, count } = found;
      const shown = namespaces.length > 10 ? `${namespaces.slice(0, 10).join(', ')} and ${namespaces.length - 10} more` : namespaces.join(', ');
      out.push({
        namespace: w.namespace,
        workload: w.key,
        message: `${w.key} is reachable from ${count} workload${count === 1 ? '' : 's'} in ${namespaces.length} other namespace${namespaces.length === 1 ? '' : 's'} (${shown})`,
        details: { namespaces, workloads: sample, workloadCount: count },
      });
    }
    return out;
  },
};
