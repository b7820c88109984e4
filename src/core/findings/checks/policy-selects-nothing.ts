import type { PolicyCheck, FindingDraft } from '../check.js';
import { describePolicy, policyNamespace } from '../policy-walk.js';

export const policySelectsNothing: PolicyCheck = {
  id: 'policy-selects-nothing',
  needs: 'policies',
  title: 'Policy that selects no pod',
  category: 'sprawl',
  defaultSeverity: 'low',
  rationale:
    'A policy whose selector matches no pod protects nothing today. It is often left over from a renamed or deleted workload, or its selector is misspelt — in which case the workload it was written for is not protected at all.',
  remediation: 'Fix the selector so it matches the intended pods, or delete the policy.',
  controls: ['PCI-1.2.7'],
  run({ facts }) {
    const { model, evaluator } = facts.analysis;
    const out: FindingDraft[] = [];
    for (const p of [...model.networkPolicies, ...model.adminPolicies, ...(model.baselinePolicy ? [model.baselinePolicy] : [])]) {
      if (!evaluator.subjectOf(p).isEmpty) continue;
      const ns = policyNamespace(p);
      out.push({
        ...(ns ? { namespace: ns } : {}),
        policy: p.id,
        message: `${describePolicy(p)} selects no pod`,
      });
    }
    return out;
  },
};
