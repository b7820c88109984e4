import type { PolicyCheck, FindingDraft } from '../check.js';
import { isGeneratedLabel, meaningfulLabelKeys } from '../generated-labels.js';
import type { LabelSelector } from '../../model/label-selector.js';

export const podLabelsUnreferenced: PolicyCheck = {
  id: 'pod-labels-unreferenced',
  needs: 'policies',
  title: 'Pods no selector can single out',
  category: 'labels',
  defaultSeverity: 'info',
  rationale:
    'When none of a pod\'s label keys appears in any pod selector, no policy targets the workload itself: it is covered only by namespace-wide rules. Often fine for simple namespaces; a sign of coarse segmentation elsewhere.',
  remediation: 'If the workload needs access different from its neighbours, write a policy selecting it by its labels.',
  controls: ['NIST-SC-7'],
  run({ facts }) {
    const { model } = facts.analysis;
    if (!model.networkPolicies.length && !model.adminPolicies.length && !model.baselinePolicy) return [];
    const keys = new Set<string>();
    const add = (s: LabelSelector | null | undefined) => s?.requirements.forEach((r) => keys.add(r.key));
    for (const np of model.networkPolicies) {
      add(np.podSelector);
      for (const r of [...np.ingress, ...np.egress]) for (const p of r.peers ?? []) if (p.kind === 'pods') add(p.podSelector);
    }
    for (const a of [...model.adminPolicies, ...(model.baselinePolicy ? [model.baselinePolicy] : [])]) {
      if (a.subject.kind === 'pods') add(a.subject.podSelector);
      for (const r of [...a.ingress, ...a.egress]) for (const p of r.peers) if (p.kind === 'pods') add(p.podSelector);
    }
    const out: FindingDraft[] = [];
    // a workload with one meaningful label key a selector uses is singled out: most are, so that is tested
    // first, key by key, before any list of a workload's keys is built
    const referenced = (labels: Readonly<Record<string, string>>) => {
      for (const k in labels) if (keys.has(k) && !isGeneratedLabel(k)) return true;
      return false;
    };
    for (const w of facts.workloads.values()) {
      if (w.pods.some((p) => referenced(p.labels))) continue;
      const own = new Set(w.pods.flatMap((p) => meaningfulLabelKeys(p.labels)));
      if (!own.size) continue;
      out.push({
        namespace: w.namespace,
        workload: w.key,
        message: `${w.key}: none of its label keys (${[...own].sort().join(', ')}) is used by any pod selector`,
        details: { labels: [...own].sort() },
      });
    }
    return out;
  },
};
