import type { AllowSetCheck, FindingDraft } from '../check.js';

export const defaultDenyEgressWithoutDns: AllowSetCheck = {
  id: 'default-deny-egress-without-dns',
  needs: 'allow-sets',
  title: 'Egress default-deny without a DNS allowance',
  category: 'isolation',
  defaultSeverity: 'medium',
  rationale:
    'With egress denied by default, pods cannot resolve names unless some rule allows port 53 over UDP and TCP (TCP is used for large answers). Workloads then fail in ways that look unrelated to policy, and teams respond by opening egress wholesale.',
  remediation: 'Allow egress to the cluster DNS service on UDP and TCP port 53 for every pod of the namespace.',
  snippet: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
  namespace: <namespace>
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector:
            matchLabels: { kubernetes.io/metadata.name: kube-system }
          podSelector:
            matchLabels: { k8s-app: kube-dns }
      ports:
        - { port: 53, protocol: UDP }
        - { port: 53, protocol: TCP }`,
  controls: ['NIST-SC-7(5)'],
  run({ facts }) {
    const out: FindingDraft[] = [];
    for (const ns of facts.namespaces.values()) {
      if (!ns.defaultDeny.egress.length) continue;
      const lacking: { workload: string; missing: string[] }[] = [];
      for (const key of ns.workloads) {
        const w = facts.workloads.get(key)!;
        const missing = (['UDP', 'TCP'] as const).filter((proto) => !w.egress.allowsPort(proto, 53));
        if (missing.length) lacking.push({ workload: key, missing: missing.map((p) => `${p}/53`) });
      }
      if (!lacking.length) continue;
      out.push({
        namespace: ns.name,
        message: `namespace ${ns.name} denies egress by default, but ${lacking.length} workload${lacking.length === 1 ? '' : 's'} may not reach DNS: ${lacking.map((l) => `${l.workload} (no ${l.missing.join(', ')})`).join('; ')}`,
        details: { workloads: lacking },
      });
    }
    return out;
  },
};
