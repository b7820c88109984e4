/**
 * policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy, validated.
 * Unknown or empty peers fail closed as the API defines: an Allow rule matches nothing, a Deny or Pass rule
 * matches everything.
 */
import { FieldReader, join, describe, type JsonObject } from './field-reader.js';
import { parseCidr, type Cidr } from './ip-address.js';
import { MATCH_ALL, type LabelSelector } from './label-selector.js';
import { readSelector } from './selector-reader.js';
import { readAdminPolicyPort, type PolicyPort } from './policy-port.js';
import { parsedResult, type Parsed } from './network-policy.js';

export type AdminAction = 'Allow' | 'Deny' | 'Pass';

export type AdminSubject =
  | { readonly kind: 'namespaces'; readonly namespaceSelector: LabelSelector }
  | { readonly kind: 'pods'; readonly namespaceSelector: LabelSelector; readonly podSelector: LabelSelector };

export type AdminPeer =
  | { readonly kind: 'namespaces'; readonly namespaceSelector: LabelSelector }
  | { readonly kind: 'pods'; readonly namespaceSelector: LabelSelector; readonly podSelector: LabelSelector }
  | { readonly kind: 'networks'; readonly cidrs: readonly Cidr[] }
  | { readonly kind: 'nodes'; readonly nodeSelector: LabelSelector }
  /** A peer this engine cannot evaluate (experimental domainNames, an empty peer): fails closed. */
  | { readonly kind: 'unmodelled'; readonly field: string };

export interface AdminRule {
  readonly name: string;
  readonly action: AdminAction;
  readonly peers: readonly AdminPeer[];
  /** null: all ports and protocols. */
  readonly ports: readonly PolicyPort[] | null;
}

export interface AdminPolicyModel {
  readonly tier: 'admin' | 'baseline';
  /** `anp/<name>` or `banp/<name>` */
  readonly id: string;
  readonly name: string;
  /** 0..1000 for ANPs, lower first; Infinity for the BANP. */
  readonly priority: number;
  readonly subject: AdminSubject;
  readonly ingress: readonly AdminRule[];
  readonly egress: readonly AdminRule[];
}

export function parseAdminNetworkPolicy(name: string, spec: unknown): Parsed<AdminPolicyModel> {
  return parseAdmin('admin', name, spec);
}

export function parseBaselineAdminNetworkPolicy(name: string, spec: unknown): Parsed<AdminPolicyModel> {
  return parseAdmin('baseline', name, spec);
}

function parseAdmin(tier: 'admin' | 'baseline', name: string, spec: unknown): Parsed<AdminPolicyModel> {
  const r = new FieldReader();
  return parsedResult(r, readSpec(r, tier, name, spec));
}

function readSpec(r: FieldReader, tier: 'admin' | 'baseline', name: string, spec: unknown): AdminPolicyModel | undefined {
  if (!r.isObject(spec)) {
    r.fail('spec', spec === undefined || spec === null ? 'is required' : `expected an object, found ${describe(spec)}`);
    return undefined;
  }
  const known = tier === 'admin' ? ['priority', 'subject', 'ingress', 'egress'] : ['subject', 'ingress', 'egress'];
  r.unknownKeys(spec, known, 'spec');
  if (tier === 'baseline' && name !== 'default') r.fail('metadata.name', `a BaselineAdminNetworkPolicy must be named "default", found "${name}"`);
  const priority = tier === 'admin' ? r.integer(spec, 'priority', 'spec', 0, 1000, true) : Infinity;
  const subject = readSubject(r, spec);
  const actions: AdminAction[] = tier === 'admin' ? ['Allow', 'Deny', 'Pass'] : ['Allow', 'Deny'];
  const ingress = readRules(r, spec, 'ingress', 'from', actions);
  const egress = readRules(r, spec, 'egress', 'to', actions);
  if (priority === undefined || !subject) return undefined;
  return { tier, id: `${tier === 'admin' ? 'anp' : 'banp'}/${name}`, name, priority, subject, ingress, egress };
}

function readSubject(r: FieldReader, spec: JsonObject): AdminSubject | undefined {
  const s = r.object(spec, 'subject', 'spec');
  if (!s) {
    r.fail('spec.subject', 'is required');
    return undefined;
  }
  r.unknownKeys(s, ['namespaces', 'pods'], 'spec.subject');
  const set = ['namespaces', 'pods'].filter((k) => s[k] !== undefined && s[k] !== null);
  if (set.length !== 1) {
    r.fail('spec.subject', `exactly one of namespaces or pods must be set, found ${set.length ? set.join(' and ') : 'none'}`);
    return undefined;
  }
  if (set[0] === 'namespaces') {
    const namespaceSelector = readSelector(r, s, 'namespaces', 'spec.subject');
    return namespaceSelector && { kind: 'namespaces', namespaceSelector };
  }
  return readNamespacedPods(r, s, 'pods', 'spec.subject');
}

function readNamespacedPods(r: FieldReader, parent: JsonObject, key: string, path: string): AdminSubject | undefined {
  const p = join(path, key);
  const o = r.object(parent, key, path);
  if (!o) return undefined;
  r.unknownKeys(o, ['namespaceSelector', 'podSelector'], p);
  // both are required by the CRD schema; a manifest that omits one is read as {} (as Go's zero value is)
  let namespaceSelector = readSelector(r, o, 'namespaceSelector', p);
  let podSelector = readSelector(r, o, 'podSelector', p);
  if (!namespaceSelector) {
    r.warn(join(p, 'namespaceSelector'), 'is required by the API (the server would reject this object); read as {} (all namespaces)');
    namespaceSelector = MATCH_ALL;
  }
  if (!podSelector) {
    r.warn(join(p, 'podSelector'), 'is required by the API (the server would reject this object); read as {} (all pods)');
    podSelector = MATCH_ALL;
  }
  return { kind: 'pods', namespaceSelector, podSelector };
}

function readRules(
  r: FieldReader,
  spec: JsonObject,
  dir: 'ingress' | 'egress',
  peerKey: 'from' | 'to',
  actions: AdminAction[],
): AdminRule[] {
  const path = join('spec', dir);
  const raw = r.list(spec, dir, 'spec') ?? [];
  if (raw.length > 100) r.fail(path, `may hold at most 100 rules, found ${raw.length}`);
  const rules: AdminRule[] = [];
  raw.forEach((rule, i) => {
    const p = join(path, i);
    if (!r.isObject(rule)) {
      r.fail(p, `expected a rule object, found ${describe(rule)}`);
      return;
    }
    r.unknownKeys(rule, ['name', 'action', peerKey, 'ports'], p);
    const name = r.string(rule, 'name', p) ?? `${dir}[${i}]`;
    const action = r.string(rule, 'action', p, true);
    if (action !== undefined && !actions.includes(action as AdminAction)) {
      r.fail(join(p, 'action'), `"${action}" is not allowed here; expected one of ${actions.join(', ')}`);
      return;
    }
    const peersRaw = r.list(rule, peerKey, p);
    const peers: AdminPeer[] = [];
    if (!peersRaw || peersRaw.length === 0) peers.push({ kind: 'unmodelled', field: `${peerKey} (empty)` });
    (peersRaw ?? []).forEach((peer, j) => {
      const parsed = readPeer(r, peer, join(join(p, peerKey), j), dir);
      if (parsed) peers.push(parsed);
    });
    const portsRaw = r.list(rule, 'ports', p);
    const ports: PolicyPort[] = [];
    (portsRaw ?? []).forEach((port, j) => {
      const parsed = readAdminPolicyPort(r, port, join(join(p, 'ports'), j));
      if (parsed) ports.push(parsed);
    });
    if (action === undefined) return;
    rules.push({ name, action: action as AdminAction, peers, ports: portsRaw && portsRaw.length ? ports : null });
  });
  return rules;
}

function readPeer(r: FieldReader, peer: unknown, path: string, dir: 'ingress' | 'egress'): AdminPeer | undefined {
  if (!r.isObject(peer)) {
    r.fail(path, `expected a peer object, found ${describe(peer)}`);
    return undefined;
  }
  const known = dir === 'ingress' ? ['namespaces', 'pods'] : ['namespaces', 'pods', 'networks', 'nodes', 'domainNames'];
  r.unknownKeys(peer, known, path);
  const set = known.filter((k) => peer[k] !== undefined && peer[k] !== null);
  if (set.length > 1) {
    r.fail(path, `exactly one peer field may be set, found ${set.join(' and ')}`);
    return undefined;
  }
  const field = set[0];
  if (field === undefined) return { kind: 'unmodelled', field: 'empty peer' };
  switch (field) {
    case 'namespaces': {
      const namespaceSelector = readSelector(r, peer, 'namespaces', path);
      return namespaceSelector && { kind: 'namespaces', namespaceSelector };
    }
    case 'pods':
      return readNamespacedPods(r, peer, 'pods', path);
    case 'networks': {
      const cidrs: Cidr[] = [];
      const list = r.list(peer, 'networks', path) ?? [];
      if (list.length === 0) r.fail(join(path, 'networks'), 'must list at least one CIDR');
      if (list.length > 25) r.fail(join(path, 'networks'), `may list at most 25 CIDRs, found ${list.length}`);
      list.forEach((c, i) => {
        const cp = join(join(path, 'networks'), i);
        if (typeof c !== 'string') return r.fail(cp, `expected a CIDR string, found ${describe(c)}`);
        const parsed = parseCidr(c);
        if (typeof parsed === 'string') r.fail(cp, parsed);
        else cidrs.push(parsed);
      });
      return { kind: 'networks', cidrs };
    }
    case 'nodes': {
      const nodeSelector = readSelector(r, peer, 'nodes', path);
      return nodeSelector && { kind: 'nodes', nodeSelector };
    }
    default:
      return { kind: 'unmodelled', field };
  }
}
