import type { Check, FindingDraft } from '../check.js';
import { Bitset } from '../../engine/bitset.js';
import { adminRules, describePolicy, networkPolicyRules, policyNamespace } from '../policy-walk.js';

export const namedPortUnresolved: Check = {
  id: 'named-port-unresolved',
  title: 'Named port that resolves on no pod',
  category: 'hygiene',
  defaultSeverity: 'low',
  rationale:
    'A named port in a rule matches only destination pods with a containerPort of that name and protocol. If no such pod exists (renamed port, wrong protocol), the rule allows nothing on that port and the traffic it was written for is blocked.',
  remediation: 'Use the containerPort name (and protocol) the destination pods declare, or a port number.',
  controls: ['PCI-1.2.7'],
  run({ facts }) {
    const { model, compiler, evaluator, classes } = facts.analysis;
    const out: FindingDraft[] = [];
    const resolves = (dsts: Bitset, name: string, protocol: string | null) => {
      let ok = false;
      dsts.forEach((c) => {
        if (ok || c >= classes.length) return;
        ok = (classes[c]!.namedPorts.get(name) ?? []).some((b) => protocol === null || b.protocol === protocol);
      });
      return ok;
    };
    const report = (policy: Parameters<typeof describePolicy>[0], path: string, j: number, name: string, protocol: string | null, where: string) => {
      const ns = policyNamespace(policy);
      out.push({
        ...(ns ? { namespace: ns } : {}),
        policy: policy.id,
        subject: `${path}.ports[${j}]`,
        message: `${describePolicy(policy)} ${path}.ports[${j}]: port "${name}"${protocol ? `/${protocol}` : ''} is not a containerPort of any ${where}`,
      });
    };
    for (const ref of networkPolicyRules(model)) {
      (ref.rule.ports ?? []).forEach((port, j) => {
        if (port.kind !== 'named') return;
        const dsts = ref.direction === 'ingress' ? evaluator.subjectOf(ref.policy) : compiler.networkPolicyRulePeers(ref.policy.namespace, ref.rule).and(compiler.allClasses);
        if (!resolves(dsts, port.name, port.protocol)) report(ref.policy, ref.path, j, port.name, port.protocol, ref.direction === 'ingress' ? 'selected pod' : 'destination pod');
      });
    }
    for (const ref of adminRules(model)) {
      (ref.rule.ports ?? []).forEach((port, j) => {
        if (port.kind !== 'named') return;
        const dsts = ref.direction === 'ingress' ? evaluator.subjectOf(ref.policy) : compiler.adminRulePeers(ref.rule).and(compiler.allClasses);
        if (!resolves(dsts, port.name, port.protocol)) report(ref.policy, ref.path, j, port.name, port.protocol, ref.direction === 'ingress' ? 'subject pod' : 'destination pod');
      });
    }
    return out;
  },
};
