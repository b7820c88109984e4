import type { PolicyCheck, FindingDraft } from '../check.js';

export const podHostNetwork: PolicyCheck = {
  id: 'pod-host-network',
  needs: 'policies',
  title: 'Pods on the host network',
  category: 'exposure',
  defaultSeverity: 'high',
  rationale:
    'hostNetwork pods share their node\'s network namespace. Most network plugins (Cilium, Calico, OVN-Kubernetes) do not apply NetworkPolicy to them: their traffic is the node\'s traffic. Whatever containment the report shows for them depends on --host-network (default `pod`, which assumes the plugin does apply policies).',
  remediation: 'Run the workload on the pod network unless it truly needs the host network; otherwise contain it with host firewall rules and admit it to other pods only by node CIDR.',
  controls: ['NIST-SC-7', 'SOC2-CC6.6'],
  run({ facts }) {
    const out: FindingDraft[] = [];
    for (const w of facts.workloads.values()) {
      if (!w.hostNetwork) continue;
      out.push({
        namespace: w.namespace,
        workload: w.key,
        message: `${w.key} runs on the host network; pod policies may not apply to it (analysed with --host-network ${facts.analysis.settings.hostNetwork})`,
      });
    }
    return out;
  },
};
