import type { PolicyCheck, FindingDraft } from '../check.js';
import { NAMESPACE_NAME_LABEL } from '../../model/cluster-model.js';
import type { LabelSelector } from '../../model/label-selector.js';
import { describePolicy } from '../policy-walk.js';

export const namespaceMissingSelectedLabels: PolicyCheck = {
  id: 'namespace-missing-selected-labels',
  needs: 'policies',
  title: 'Namespaces missing labels that policies select on',
  category: 'labels',
  defaultSeverity: 'low',
  rationale:
    'namespaceSelectors match namespace labels. A namespace that lacks a key that policies select on and that most namespaces carry (a labelling convention such as team or env) silently falls outside every rule written for that key: it is neither admitted where it should be nor covered by admin policies aimed at it. Keys only a few namespaces carry (markers such as pci) are not expected everywhere and are not reported.',
  remediation: 'Label the namespace with the keys your policies use (or confirm it should match none of them).',
  controls: ['NIST-SC-7'],
  run({ facts }) {
    const { model } = facts.analysis;
    const users = new Map<string, Set<string>>();
    const add = (s: LabelSelector | null | undefined, who: string) =>
      s?.requirements.forEach((r) => {
        if (r.key === NAMESPACE_NAME_LABEL) return;
        if (!users.has(r.key)) users.set(r.key, new Set());
        users.get(r.key)!.add(who);
      });
    for (const np of model.networkPolicies) {
      for (const r of [...np.ingress, ...np.egress]) for (const p of r.peers ?? []) if (p.kind === 'pods') add(p.namespaceSelector, describePolicy(np));
    }
    for (const a of [...model.adminPolicies, ...(model.baselinePolicy ? [model.baselinePolicy] : [])]) {
      add(a.subject.namespaceSelector, describePolicy(a));
      for (const r of [...a.ingress, ...a.egress]) for (const p of r.peers) if (p.kind === 'pods' || p.kind === 'namespaces') add(p.namespaceSelector, describePolicy(a));
    }
    if (!users.size) return [];
    const populated = [...facts.namespaces.values()].filter((n) => n.workloads.length);
    // a key is a convention when at least half of the namespaces with workloads carry it
    const conventions = [...users.keys()].filter((k) => populated.filter((n) => k in n.labels).length * 2 >= populated.length);
    const out: FindingDraft[] = [];
    for (const ns of populated) {
      const missing = conventions.filter((k) => !(k in ns.labels)).sort();
      if (!missing.length) continue;
      out.push({
        namespace: ns.name,
        message: `namespace ${ns.name} lacks label${missing.length === 1 ? '' : 's'} ${missing.join(', ')} that policies select on (${missing.map((k) => `${k}: ${[...users.get(k)!].sort().join(', ')}`).join('; ')})`,
        details: { missing, policies: Object.fromEntries(missing.map((k) => [k, [...users.get(k)!].sort()])) },
      });
    }
    return out;
  },
};
