import type { AllowSetCheck, FindingDraft } from '../check.js';
import { formatConnectionSet } from '../../model/connection-set.js';
import { formatRange } from '../../model/ip-address.js';
import { lowerSeverity } from '../severity.js';
import { familyRange, type AddressRange } from '../../model/ip-address.js';
import { publicParts } from '../public-address.js';

/** Whether the ranges cover every public address of the families they touch. */
function allPublic(ranges: readonly AddressRange[]): boolean {
  const families = [...new Set(ranges.map((r) => r.family))];
  const size = (rs: readonly AddressRange[]) => rs.reduce((n, r) => n + (r.end - r.start + 1n), 0n);
  return families.every((f) => size(ranges.filter((r) => r.family === f)) === size(publicParts(familyRange(f))));
}

export const workloadInternetExposed: AllowSetCheck = {
  id: 'workload-internet-exposed',
  needs: 'allow-sets',
  title: 'Workload reachable from or reaching the internet',
  category: 'exposure',
  defaultSeverity: 'high',
  rationale:
    'Pods that accept connections from public internet addresses are one step from attackers; pods that can open connections to the internet can exfiltrate data or fetch payloads. Computed from effective allow sets (public = outside private, shared and special-purpose ranges). Outbound-only exposure is reported one severity level lower.',
  remediation: 'Restrict ingress to the load balancer or ingress controller addresses and egress to the external endpoints the workload needs, by CIDR and port.',
  controls: ['NIST-SC-7', 'PCI-1.3.1', 'PCI-1.3.2', 'SOC2-CC6.6'],
  run({ facts }) {
    const space = facts.analysis.ports;
    const out: FindingDraft[] = [];
    // workloads with the same effective allow map share one internet list: describe it once
    const described = new WeakMap<object, { conns: string; ranges: string[]; where: string }>();
    for (const w of facts.workloads.values()) {
      for (const d of ['ingress', 'egress'] as const) {
        const internet = w[d].internet;
        if (!internet.length) continue;
        let text = described.get(internet);
        if (!text) {
          let ports = space.none;
          for (const i of internet) ports = space.union(ports, i.ports);
          const ranges = internet.map((i) => formatRange(i.range));
          const where = allPublic(internet.map((i) => i.range)) ? 'any public address' : ranges.length <= 3 ? ranges.join(', ') : `${ranges.slice(0, 3).join(', ')} and ${ranges.length - 3} more public ranges`;
          text = { conns: formatConnectionSet(space.toConnectionSet(ports)), ranges, where };
          described.set(internet, text);
        }
        const { conns, ranges, where } = text;
        out.push({
          namespace: w.namespace,
          workload: w.key,
          subject: d,
          message:
            d === 'ingress'
              ? `${w.key} accepts connections from the internet (${where}) on ${conns}`
              : `${w.key} can open connections to the internet (${where}) on ${conns}`,
          ...(d === 'egress' ? { severity: lowerSeverity(this.defaultSeverity) } : {}),
          details: { direction: d, ranges, connections: conns },
        });
      }
    }
    return out;
  },
};
