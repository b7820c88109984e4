import type { PolicyCheck, FindingDraft } from '../check.js';
import { adminRules, describePolicy, networkPolicyRules, peerKey, policyNamespace } from '../policy-walk.js';
import { portsText } from './any-address-rules.js';

export const peerAnyNamespace: PolicyCheck = {
  id: 'peer-any-namespace',
  needs: 'policies',
  title: 'Peer selecting every namespace',
  category: 'exposure',
  defaultSeverity: 'low',
  rationale:
    '`namespaceSelector: {}` matches every namespace that exists now and every namespace created later, so the rule grants access to tenants nobody has reviewed yet.',
  remediation: 'Select the namespaces that need access by label (for example kubernetes.io/metadata.name or a team label).',
  controls: ['NIST-SC-7', 'PCI-1.3.1', 'PCI-1.3.2'],
  run({ facts }) {
    const { model } = facts.analysis;
    const out: FindingDraft[] = [];
    for (const ref of networkPolicyRules(model)) {
      (ref.rule.peers ?? []).forEach((peer, j) => {
        if (peer.kind !== 'pods' || !peer.namespaceSelector || peer.namespaceSelector.requirements.length) return;
        const pods = peer.podSelector.requirements.length ? `pods matching ${peer.podSelector.key}` : 'all pods';
        out.push({
          namespace: ref.policy.namespace,
          policy: ref.policy.id,
          subject: `${ref.path}.${peerKey(ref.direction)}[${j}]`,
          message: `${describePolicy(ref.policy)} ${ref.path}.${peerKey(ref.direction)}[${j}] admits ${pods} in every namespace, present and future, on ${portsText(ref.rule.ports)}`,
        });
      });
    }
    for (const ref of adminRules(model)) {
      if (ref.rule.action !== 'Allow') continue; // a Deny or Pass over every namespace is a guardrail, not exposure
      ref.rule.peers.forEach((peer, j) => {
        if ((peer.kind !== 'pods' && peer.kind !== 'namespaces') || peer.namespaceSelector.requirements.length) return;
        const ns = policyNamespace(ref.policy);
        out.push({
          ...(ns ? { namespace: ns } : {}),
          policy: ref.policy.id,
          subject: `${ref.path}.${peerKey(ref.direction)}[${j}]`,
          message: `${describePolicy(ref.policy)} rule "${ref.rule.name}" allows ${ref.direction} with every namespace, present and future`,
        });
      });
    }
    return out;
  },
};
