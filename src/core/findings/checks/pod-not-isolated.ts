import type { WorkloadFacts, Direction } from '../audit-facts.js';
import type { AllowSetCheck, FindingDraft } from '../check.js';

function why(w: WorkloadFacts, d: Direction): string {
  const f = w[d];
  const admin = [...f.adminPolicies, ...(f.baseline ? ['banp/default'] : [])];
  if (f.open && f.networkPolicies.length) return `it is selected by ${[...f.networkPolicies, ...admin].join(', ')}, but their rules allow all ${d} traffic (all peers, all ports)`;
  if (!f.networkPolicies.length && !admin.length) return `no policy selects its pods for ${d}`;
  if (!f.networkPolicies.length) return `no NetworkPolicy selects its pods for ${d}; admin policies (${admin.join(', ')}) deny only some peers${f.open ? ' — nothing at all here' : ''}, everything else is allowed`;
  return `its policies allow all ${d} traffic`;
}

export const podNotIsolated: AllowSetCheck = {
  id: 'pod-not-isolated',
  needs: 'allow-sets',
  title: 'Workload not isolated',
  category: 'isolation',
  defaultSeverity: 'medium',
  rationale:
    'A pod that is not isolated accepts (ingress) or opens (egress) any connection no rule denies. Computed from the effective rules: a pod under a namespace-wide default-deny counts as isolated, a pod whose policy allows everything does not, and admin policies count when they deny every namespace by default (denying a few addresses is not isolation).',
  remediation: 'Select the workload with a NetworkPolicy for the direction and allow only the peers and ports it needs (or add a namespace default-deny).',
  controls: ['CIS-5.3.2', 'NIST-SC-7', 'NIST-SC-7(5)', 'PCI-1.3.1', 'PCI-1.3.2', 'SOC2-CC6.6'],
  run({ facts }) {
    const out: FindingDraft[] = [];
    for (const w of facts.workloads.values()) {
      for (const d of ['ingress', 'egress'] as const) {
        if (w[d].isolated) continue;
        out.push({
          namespace: w.namespace,
          workload: w.key,
          subject: d,
          message: `${w.key} (${w.pods.length} pod${w.pods.length === 1 ? '' : 's'}) is not isolated for ${d}: ${why(w, d)}`,
          details: { direction: d, pods: w.pods.length, policies: w[d].networkPolicies },
        });
      }
    }
    return out;
  },
};
