/** Rules that allow every address in one direction (shared by ingress-from-any-address and egress-to-any-address). */
import type { FindingDraft } from '../check.js';
import type { ClusterModel } from '../../model/cluster-model.js';
import { formatConnectionSet, makeConnectionSet, type PortRange, type Protocol } from '../../model/connection-set.js';
import type { PolicyPort } from '../../model/policy-port.js';
import { isAnyAddress } from '../public-address.js';
import { adminRules, describePolicy, networkPolicyRules, peerKey } from '../policy-walk.js';
import type { Direction } from '../audit-facts.js';

export function portsText(ports: readonly PolicyPort[] | null): string {
  if (!ports) return 'all ports';
  const ranges: Partial<Record<Protocol, PortRange[]>> = {};
  const names: string[] = [];
  for (const p of ports) {
    if (p.kind === 'named') names.push(`${p.protocol ?? ''}${p.protocol ? ' ' : ''}${p.name}`);
    else (ranges[p.protocol] ??= []).push([p.from, p.to]);
  }
  const numeric = Object.keys(ranges).length ? formatConnectionSet(makeConnectionSet(ranges)) : '';
  return [numeric, ...names].filter(Boolean).join(';');
}

export function anyAddressRules(model: ClusterModel, direction: Direction): FindingDraft[] {
  const out: FindingDraft[] = [];
  const verb = direction === 'ingress' ? 'from' : 'to';
  for (const ref of networkPolicyRules(model)) {
    if (ref.direction !== direction) continue;
    const everyPeer = ref.rule.peers === null;
    const block = ref.rule.peers?.find((p) => p.kind === 'ipBlock' && isAnyAddress(p.cidr));
    if (!everyPeer && !block) continue;
    const what = everyPeer ? `has no ${peerKey(direction)} list, so it allows ${direction} ${verb} every address` : `allows ${direction} ${verb} ${block!.kind === 'ipBlock' ? block!.cidr.text : ''}${block!.kind === 'ipBlock' && block!.except.length ? ` except ${block!.except.map((e) => e.text).join(', ')}` : ''}`;
    out.push({
      namespace: ref.policy.namespace,
      policy: ref.policy.id,
      subject: ref.path,
      message: `${describePolicy(ref.policy)} ${ref.path} ${what} on ${portsText(ref.rule.ports)}`,
      details: { rule: ref.path, ports: portsText(ref.rule.ports) },
    });
  }
  if (direction === 'egress') {
    for (const ref of adminRules(model)) {
      if (ref.direction !== 'egress' || ref.rule.action !== 'Allow') continue;
      const net = ref.rule.peers.find((p) => p.kind === 'networks' && p.cidrs.some(isAnyAddress));
      if (!net) continue;
      out.push({
        policy: ref.policy.id,
        subject: ref.path,
        message: `${describePolicy(ref.policy)} rule "${ref.rule.name}" allows egress to any address on ${portsText(ref.rule.ports)}`,
        details: { rule: ref.path, ports: portsText(ref.rule.ports) },
      });
    }
  }
  return out;
}
