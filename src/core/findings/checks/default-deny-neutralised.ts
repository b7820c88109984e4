import type { AllowSetCheck, FindingDraft } from '../check.js';
import { lowerSeverity } from '../severity.js';

export const defaultDenyNeutralised: AllowSetCheck = {
  id: 'default-deny-neutralised',
  needs: 'allow-sets',
  title: 'Default-deny neutralised by an allow-all policy',
  category: 'isolation',
  defaultSeverity: 'high',
  rationale:
    'A namespace can carry a default-deny policy and still be wide open: another policy selecting the same pods with an allow-all rule (`ingress: [{}]`, or a rule with no peers and no ports) re-opens everything it closed. Counting the default-deny as protection would be wrong.',
  remediation:
    'Replace the allow-all rule with rules naming the peers and ports each workload needs, or delete the policy that re-opens the namespace.',
  controls: ['CIS-5.3.2', 'NIST-SC-7(5)', 'PCI-1.3.1', 'PCI-1.3.2'],
  run({ facts }) {
    const out: FindingDraft[] = [];
    for (const ns of facts.namespaces.values()) {
      for (const direction of ['ingress', 'egress'] as const) {
        if (!ns.defaultDeny[direction].length || !ns.workloads.length) continue;
        const open = ns.workloads.filter((w) => facts.workloads.get(w)![direction].open);
        if (!open.length) continue;
        const reopening = new Set(open.flatMap((w) => facts.workloads.get(w)![direction].networkPolicies.concat(facts.workloads.get(w)![direction].adminPolicies)));
        const all = open.length === ns.workloads.length;
        out.push({
          namespace: ns.name,
          subject: direction,
          message: all
            ? `namespace ${ns.name}'s ${direction} default-deny (${ns.defaultDeny[direction].join(', ')}) is neutralised: every workload still allows all ${direction} traffic (policies involved: ${[...reopening].join(', ')})`
            : `namespace ${ns.name}'s ${direction} default-deny is partly neutralised: ${open.length} of ${ns.workloads.length} workloads allow all ${direction} traffic (${open.join(', ')})`,
          ...(all ? {} : { severity: lowerSeverity(this.defaultSeverity) }),
          details: { direction, workloads: open, policies: [...reopening] },
        });
      }
    }
    return out;
  },
};
