import type { PolicyCheck, FindingDraft } from '../check.js';

export const policyCountGrowth: PolicyCheck = {
  id: 'policy-count-growth',
  needs: 'policies',
  title: 'Policy count growth',
  category: 'sprawl',
  defaultSeverity: 'info',
  rationale:
    'Policies accumulate. Fast growth in a namespace or cluster, quarter over quarter, is where dead, duplicate and overlapping rules come from, and where reviews stop being thorough.',
  remediation: 'Review the namespace\'s policies for duplicates and redundancy (see policy-duplicate, policy-redundant) and consolidate.',
  controls: ['PCI-1.2.7'],
  run({ facts, settings, previous }) {
    if (!previous) return [];
    const { model } = facts.analysis;
    const now = new Map<string, number>();
    for (const p of model.networkPolicies) now.set(p.namespace, (now.get(p.namespace) ?? 0) + 1);
    const grew = (before: number, after: number) =>
      after - before >= settings.policyGrowth.minimumIncrease && (before === 0 || ((after - before) / before) * 100 > settings.policyGrowth.percent);
    const out: FindingDraft[] = [];
    const total = model.networkPolicies.length + model.adminPolicies.length + (model.baselinePolicy ? 1 : 0);
    if (grew(previous.total, total)) {
      out.push({
        message: `the cluster has ${total} policies, up from ${previous.total} in ${previous.label} (+${total - previous.total})`,
        subject: 'cluster',
        details: { before: previous.total, after: total },
      });
    }
    for (const [ns, count] of [...now].sort()) {
      const before = previous.byNamespace[ns] ?? 0;
      if (!grew(before, count)) continue;
      out.push({
        namespace: ns,
        message: `namespace ${ns} has ${count} NetworkPolicies, up from ${before} in ${previous.label} (+${count - before})`,
        details: { before, after: count },
      });
    }
    return out;
  },
};
