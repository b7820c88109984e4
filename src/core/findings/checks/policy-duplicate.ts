import type { PolicyCheck, FindingDraft } from '../check.js';
import { canonicalJson } from '../../model/canonical-json.js';
import type { AdminPolicyModel } from '../../model/admin-network-policy.js';
import type { NetworkPolicyModel } from '../../model/network-policy.js';
import { describePolicy } from '../policy-walk.js';

/** What a policy means, without its name: equal texts mean equal policies. */
function meaning(p: NetworkPolicyModel | AdminPolicyModel): string {
  const { id: _id, name: _name, ...rest } = p;
  return canonicalJson(plain(rest));
}

/** Selectors as their canonical key, CIDRs as their text: a JSON-safe, comparable form. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    if ('requirements' in v && 'key' in v) return `selector:${(v as { key: string }).key}`;
    if ('prefix' in v && 'text' in v) return `cidr:${(v as { text: string }).text}`;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

export const policyDuplicate: PolicyCheck = {
  id: 'policy-duplicate',
  needs: 'policies',
  title: 'Duplicate policies',
  category: 'sprawl',
  defaultSeverity: 'low',
  rationale: 'Two policies that mean exactly the same thing double the review effort and drift apart when only one of them is edited.',
  remediation: 'Delete one of the copies (keep the one your deployment tooling owns).',
  controls: ['PCI-1.2.7'],
  run({ facts }) {
    const { model } = facts.analysis;
    const seen = new Map<string, NetworkPolicyModel | AdminPolicyModel>();
    const out: FindingDraft[] = [];
    const all = [...model.networkPolicies, ...model.adminPolicies].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const p of all) {
      const m = meaning(p);
      const first = seen.get(m);
      if (!first) {
        seen.set(m, p);
        continue;
      }
      out.push({
        ...('namespace' in p ? { namespace: p.namespace } : {}),
        policy: p.id,
        message: `${describePolicy(p)} duplicates ${describePolicy(first)}`,
        details: { duplicateOf: first.id },
      });
    }
    return out;
  },
};
