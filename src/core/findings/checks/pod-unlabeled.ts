import type { PolicyCheck, FindingDraft } from '../check.js';
import { meaningfulLabelKeys } from '../generated-labels.js';

export const podUnlabeled: PolicyCheck = {
  id: 'pod-unlabeled',
  needs: 'policies',
  title: 'Pods without labels',
  category: 'labels',
  defaultSeverity: 'low',
  rationale:
    'Segmentation is written in labels. A pod without any label (besides those controllers add) can only be selected by namespace-wide rules, so it cannot be given least-privilege access of its own.',
  remediation: 'Label the workload\'s pod template, at least with app and team, and select it by those labels in its policies.',
  controls: ['NIST-SC-7'],
  run({ facts }) {
    const out: FindingDraft[] = [];
    for (const w of facts.workloads.values()) {
      const unlabeled = w.pods.filter((p) => meaningfulLabelKeys(p.labels).length === 0);
      if (!unlabeled.length) continue;
      out.push({
        namespace: w.namespace,
        workload: w.key,
        message: `${w.key}: ${unlabeled.length} of ${w.pods.length} pod${w.pods.length === 1 ? '' : 's'} carry no labels`,
        details: { pods: unlabeled.map((p) => p.name) },
      });
    }
    return out;
  },
};
