import type { PolicyCheck, FindingDraft } from '../check.js';
import { adminRules, describePolicy, networkPolicyRules, peerKey, policyNamespace } from '../policy-walk.js';

export const rulePeerMatchesNothing: PolicyCheck = {
  id: 'rule-peer-matches-nothing',
  needs: 'policies',
  title: 'Rule peer that matches no pod',
  category: 'sprawl',
  defaultSeverity: 'low',
  rationale:
    'A peer selector that matches no pod admits nothing today but will admit whatever pod or namespace later matches it. Often a typo in a label, so the traffic the rule was meant to allow is blocked while an unintended future match would be allowed.',
  remediation: 'Correct the peer\'s selectors (check namespace labels too), or remove the peer.',
  controls: ['PCI-1.2.7'],
  run({ facts }) {
    const { model, compiler } = facts.analysis;
    const out: FindingDraft[] = [];
    for (const ref of networkPolicyRules(model)) {
      (ref.rule.peers ?? []).forEach((peer, j) => {
        if (peer.kind !== 'pods') return;
        if (!compiler.networkPolicyPeer(ref.policy.namespace, peer).isEmpty) return;
        out.push({
          namespace: ref.policy.namespace,
          policy: ref.policy.id,
          subject: `${ref.path}.${peerKey(ref.direction)}[${j}]`,
          message: `${describePolicy(ref.policy)} ${ref.path}.${peerKey(ref.direction)}[${j}] matches no pod`,
        });
      });
    }
    for (const ref of adminRules(model)) {
      ref.rule.peers.forEach((peer, j) => {
        if (peer.kind !== 'pods' && peer.kind !== 'namespaces') return;
        if (!compiler.adminRulePeers({ ...ref.rule, peers: [peer] }).isEmpty) return;
        const ns = policyNamespace(ref.policy);
        out.push({
          ...(ns ? { namespace: ns } : {}),
          policy: ref.policy.id,
          subject: `${ref.path}.${peerKey(ref.direction)}[${j}]`,
          message: `${describePolicy(ref.policy)} rule "${ref.rule.name}" ${peerKey(ref.direction)}[${j}] matches no pod`,
        });
      });
    }
    return out;
  },
};
