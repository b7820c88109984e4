import type { PolicyCheck, FindingDraft } from '../check.js';

export const podMissingRequiredLabels: PolicyCheck = {
  id: 'pod-missing-required-labels',
  needs: 'policies',
  title: 'Pods missing required labels',
  category: 'labels',
  defaultSeverity: 'low',
  rationale:
    'Teams agree on label keys (for example app and team) that policies and ownership depend on. A pod missing them escapes the selectors written against those keys. The required keys come from the configuration (audit.requiredPodLabels); with none configured this check reports nothing.',
  remediation: 'Add the missing keys to the workload\'s pod template.',
  controls: ['NIST-SC-7'],
  run({ facts, settings }) {
    if (!settings.requiredPodLabels.length) return [];
    const out: FindingDraft[] = [];
    for (const w of facts.workloads.values()) {
      const missing = settings.requiredPodLabels.filter((k) => w.pods.some((p) => !(k in p.labels)));
      if (!missing.length) continue;
      out.push({
        namespace: w.namespace,
        workload: w.key,
        message: `${w.key} lacks required label${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`,
        details: { missing },
      });
    }
    return out;
  },
};
