/** networking.k8s.io/v1 NetworkPolicy, validated and defaulted exactly as the API server would. */
import { FieldReader, join, describe, type FieldProblem, type JsonObject } from './field-reader.js';
import { parseCidr, containsRange, type Cidr } from './ip-address.js';
import { MATCH_ALL, type LabelSelector } from './label-selector.js';
import { readSelector } from './selector-reader.js';
import { readNetworkPolicyPort, type PolicyPort } from './policy-port.js';

export type NetworkPolicyPeer =
  /** namespaceSelector null: the policy's own namespace. */
  | { readonly kind: 'pods'; readonly namespaceSelector: LabelSelector | null; readonly podSelector: LabelSelector }
  | { readonly kind: 'ipBlock'; readonly cidr: Cidr; readonly except: readonly Cidr[] };

export interface NetworkPolicyRule {
  /** null: every peer (from/to absent or empty), including external addresses. */
  readonly peers: readonly NetworkPolicyPeer[] | null;
  /** null: every port and protocol (ports absent or empty). */
  readonly ports: readonly PolicyPort[] | null;
}

export interface NetworkPolicyModel {
  /** `namespace/name` */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** Defaulted policyTypes (R8). */
  readonly affectsIngress: boolean;
  readonly affectsEgress: boolean;
  readonly ingress: readonly NetworkPolicyRule[];
  readonly egress: readonly NetworkPolicyRule[];
}

/** A parse result: the value (possibly with warnings), or the problems that make it unusable. */
export type Parsed<T> = { ok: true; value: T; warnings: FieldProblem[] } | { ok: false; problems: FieldProblem[] };

export function parsedResult<T>(r: FieldReader, value: T | undefined): Parsed<T> {
  return r.hasErrors || value === undefined ? { ok: false, problems: r.problems } : { ok: true, value, warnings: r.problems };
}

/** Parses a NetworkPolicy `spec` (path prefix `spec`). */
export function parseNetworkPolicy(namespace: string, name: string, spec: unknown): Parsed<NetworkPolicyModel> {
  const r = new FieldReader();
  return parsedResult(r, readSpec(r, namespace, name, spec));
}

function readSpec(r: FieldReader, namespace: string, name: string, spec: unknown): NetworkPolicyModel | undefined {
  if (spec === undefined || spec === null) {
    r.fail('spec', 'is required');
    return undefined;
  }
  if (!r.isObject(spec)) {
    r.fail('spec', `expected an object, found ${describe(spec)}`);
    return undefined;
  }
  r.unknownKeys(spec, ['podSelector', 'policyTypes', 'ingress', 'egress'], 'spec');
  // absent podSelector defaults to {} (all pods of the namespace)
  const podSelector = readSelector(r, spec, 'podSelector', 'spec') ?? MATCH_ALL;
  const ingressRaw = r.list(spec, 'ingress', 'spec');
  const egressRaw = r.list(spec, 'egress', 'spec');
  const typesRaw = r.list(spec, 'policyTypes', 'spec');
  let affectsIngress: boolean;
  let affectsEgress: boolean;
  if (!typesRaw || typesRaw.length === 0) {
    // SetDefaults_NetworkPolicy: Ingress always, Egress iff there are egress rules ([] is not "rules")
    affectsIngress = true;
    affectsEgress = (egressRaw?.length ?? 0) > 0;
  } else {
    affectsIngress = false;
    affectsEgress = false;
    if (typesRaw.length > 2) r.fail('spec.policyTypes', `may list at most 2 types, found ${typesRaw.length}`);
    typesRaw.forEach((t, i) => {
      if (t === 'Ingress') affectsIngress = true;
      else if (t === 'Egress') affectsEgress = true;
      else r.fail(`spec.policyTypes[${i}]`, `expected "Ingress" or "Egress", found ${describe(t)}`);
    });
  }
  const ingress = readRules(r, ingressRaw ?? [], 'spec.ingress', 'from');
  const egress = readRules(r, egressRaw ?? [], 'spec.egress', 'to');
  return {
    id: `${namespace}/${name}`,
    namespace,
    name,
    podSelector,
    affectsIngress,
    affectsEgress,
    // rules of a direction not in policyTypes have no effect (R9)
    ingress: affectsIngress ? ingress : [],
    egress: affectsEgress ? egress : [],
  };
}

function readRules(r: FieldReader, raw: unknown[], path: string, peerKey: 'from' | 'to'): NetworkPolicyRule[] {
  const rules: NetworkPolicyRule[] = [];
  raw.forEach((rule, i) => {
    const p = join(path, i);
    if (rule === null) {
      rules.push({ peers: null, ports: null });
      return;
    }
    if (!r.isObject(rule)) {
      r.fail(p, `expected a rule object, found ${describe(rule)}`);
      return;
    }
    r.unknownKeys(rule, [peerKey, 'ports'], p);
    const peersRaw = r.list(rule, peerKey, p);
    const portsRaw = r.list(rule, 'ports', p);
    const peers: NetworkPolicyPeer[] = [];
    (peersRaw ?? []).forEach((peer, j) => {
      const parsed = readPeer(r, peer, join(join(p, peerKey), j));
      if (parsed) peers.push(parsed);
    });
    const ports: PolicyPort[] = [];
    (portsRaw ?? []).forEach((port, j) => {
      const parsed = readNetworkPolicyPort(r, port, join(join(p, 'ports'), j));
      if (parsed) ports.push(parsed);
    });
    rules.push({
      peers: peersRaw && peersRaw.length ? peers : null,
      ports: portsRaw && portsRaw.length ? ports : null,
    });
  });
  return rules;
}

function readPeer(r: FieldReader, peer: unknown, path: string): NetworkPolicyPeer | undefined {
  if (!r.isObject(peer)) {
    r.fail(path, `expected a peer object (podSelector, namespaceSelector or ipBlock), found ${describe(peer)}`);
    return undefined;
  }
  r.unknownKeys(peer, ['podSelector', 'namespaceSelector', 'ipBlock'], path);
  const has = (k: string) => peer[k] !== undefined && peer[k] !== null;
  if (has('ipBlock')) {
    if (has('podSelector') || has('namespaceSelector')) {
      r.fail(path, 'ipBlock may not be combined with podSelector or namespaceSelector in one peer');
      return undefined;
    }
    return readIpBlock(r, peer, path);
  }
  if (!has('podSelector') && !has('namespaceSelector')) {
    r.fail(path, 'must specify a peer: podSelector, namespaceSelector or ipBlock');
    return undefined;
  }
  const namespaceSelector = readSelector(r, peer, 'namespaceSelector', path) ?? null;
  const podSelector = readSelector(r, peer, 'podSelector', path) ?? MATCH_ALL;
  return { kind: 'pods', namespaceSelector, podSelector };
}

function readIpBlock(r: FieldReader, peer: JsonObject, path: string): NetworkPolicyPeer | undefined {
  const p = join(path, 'ipBlock');
  const block = r.object(peer, 'ipBlock', path);
  if (!block) return undefined;
  r.unknownKeys(block, ['cidr', 'except'], p);
  const cidrText = r.string(block, 'cidr', p, true);
  if (cidrText === undefined) return undefined;
  const cidr = parseCidr(cidrText);
  if (typeof cidr === 'string') {
    r.fail(join(p, 'cidr'), cidr);
    return undefined;
  }
  const except: Cidr[] = [];
  (r.list(block, 'except', p) ?? []).forEach((e, i) => {
    const ep = join(join(p, 'except'), i);
    if (typeof e !== 'string') {
      r.fail(ep, `expected a CIDR string, found ${describe(e)}`);
      return;
    }
    const c = parseCidr(e);
    if (typeof c === 'string') r.fail(ep, c);
    else if (c.family !== cidr.family) r.fail(ep, `"${e}" is not in the same address family as cidr ${cidr.text}`);
    else if (!containsRange(cidr, c) || c.prefix <= cidr.prefix) r.fail(ep, `"${e}" must be a strict subset of cidr ${cidr.text}`);
    else except.push(c);
  });
  return { kind: 'ipBlock', cidr, except };
}
