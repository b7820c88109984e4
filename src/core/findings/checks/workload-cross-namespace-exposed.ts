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
    const keys = facts.workloadKeys;
    // workloads of a namespace often share their inbound peers: count and sample each set once
    const peers = new WeakMap<object, Map<string, { sample: string[]; count: number }>>();
    // peer namespace sets are shared between workloads: sort each once, and share the list of the other
    // namespaces between the workloads of one namespace (it goes into every finding's details)
    const sorted = new WeakMap<ReadonlySet<string>, Map<string, string[]>>();
    for (const w of facts.workloads.values()) {
      let byOwn = sorted.get(w.ingress.peerNamespaces);
      if (!byOwn) sorted.set(w.ingress.peerNamespaces, (byOwn = new Map()));
      let namespaces = byOwn.get(w.namespace);
      if (!namespaces) byOwn.set(w.namespace, (namespaces = [...w.ingress.peerNamespaces].filter((n) => n !== w.namespace).sort()));
      if (!namespaces.length) continue;
      let byNamespace = peers.get(w.ingress.peers);
      if (!byNamespace) peers.set(w.ingress.peers, (byNamespace = new Map()));
      let found = byNamespace.get(w.namespace);
      if (!found) {
        // the peers outside its own namespace (its workloads are consecutive); the workload itself is
        // inside, so it is never among them
        const [from, to] = facts.workloadRange(w.namespace);
        const outside = w.ingress.peers.andNot(Bitset.range(from, to));
        const sample: string[] = [];
        for (let p = outside.nextSetBit(0); p >= 0 && sample.length < 50; p = outside.nextSetBit(p + 1)) sample.push(keys[p]!);
        found = { sample, count: outside.size };
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
