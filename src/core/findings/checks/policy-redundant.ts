import type { CompleteAnalysisCheck, FindingDraft } from '../check.js';
import { policyImpact } from '../../engine/policy-impact.js';
import { describePolicy, policyNamespace } from '../policy-walk.js';

export const policyRedundant: CompleteAnalysisCheck = {
  id: 'policy-redundant',
  needs: 'complete-analysis',
  title: 'Redundant policies',
  category: 'sprawl',
  defaultSeverity: 'low',
  rationale:
    'A policy is redundant when removing it changes no connection at all: other policies already allow (or deny) everything it does. netpol-audit computes this by re-evaluating the cluster without the policy. Redundant policies are review overhead and hide the rules that matter.',
  remediation: 'Remove the policy, or narrow the broader policy that makes it redundant if this one expresses the intent.',
  controls: ['PCI-1.2.7'],
  run({ facts }) {
    const { model, evaluator } = facts.analysis;
    const out: FindingDraft[] = [];
    for (const p of [...model.networkPolicies, ...model.adminPolicies, ...(model.baselinePolicy ? [model.baselinePolicy] : [])]) {
      // a policy that selects nothing is reported by policy-selects-nothing
      if (evaluator.subjectOf(p).isEmpty) continue;
      if (!policyImpact(facts.analysis, p.id).redundant) continue;
      const ns = policyNamespace(p);
      out.push({
        ...(ns ? { namespace: ns } : {}),
        policy: p.id,
        message: `${describePolicy(p)} is redundant: removing it changes no connection`,
      });
    }
    return out;
  },
};
