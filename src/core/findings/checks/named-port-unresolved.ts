import type { PolicyCheck, FindingDraft } from '../check.js';
import { Bitset } from '../../engine/bitset.js';
import { adminRules, describePolicy, networkPolicyRules, policyNamespace } from '../policy-walk.js';

export const namedPortUnresolved: PolicyCheck = {
  id: 'named-port-unresolved',
  needs: 'policies',
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
    // classes declaring a port name (with any protocol, `name/`, or with one, `name/TCP`), from one pass over
    // the classes: a rule's destinations then resolve the name when they meet that set, without visiting each class
    let declaring: Map<string, Bitset> | undefined;
    const classesDeclaring = (name: string, protocol: string | null): Bitset => {
      if (!declaring) {
        const ids = new Map<string, number[]>();
        const add = (key: string, id: number) => {
          const list = ids.get(key);
          if (!list) ids.set(key, [id]);
          else if (list[list.length - 1] !== id) list.push(id);
        };
        for (const c of classes) {
          for (const [n, bindings] of c.namedPorts) {
            for (const b of bindings) {
              add(`${n}/`, c.id);
              add(`${n}/${b.protocol}`, c.id);
            }
          }
        }
        declaring = new Map([...ids].map(([key, list]) => [key, Bitset.fromIndexes(list)]));
      }
      return declaring.get(`${name}/${protocol ?? ''}`) ?? Bitset.EMPTY;
    };
    const resolves = (dsts: readonly Bitset[], name: string, protocol: string | null) => {
      const declared = classesDeclaring(name, protocol);
      return dsts.some((d) => d.intersects(declared));
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
        const dsts =
          ref.direction === 'ingress'
            ? [evaluator.subjectOf(ref.policy)]
            : ref.rule.peers === null
              ? [compiler.allClasses]
              : ref.rule.peers.map((peer) => compiler.networkPolicyPeer(ref.policy.namespace, peer));
        if (!resolves(dsts, port.name, port.protocol)) report(ref.policy, ref.path, j, port.name, port.protocol, ref.direction === 'ingress' ? 'selected pod' : 'destination pod');
      });
    }
    for (const ref of adminRules(model)) {
      (ref.rule.ports ?? []).forEach((port, j) => {
        if (port.kind !== 'named') return;
        const dsts = [ref.direction === 'ingress' ? evaluator.subjectOf(ref.policy) : compiler.adminRulePeers(ref.rule)];
        if (!resolves(dsts, port.name, port.protocol)) report(ref.policy, ref.path, j, port.name, port.protocol, ref.direction === 'ingress' ? 'subject pod' : 'destination pod');
      });
    }
    return out;
  },
};
