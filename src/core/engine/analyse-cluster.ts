/**
 * The engine entry point: a cluster model in, every pod class's effective allow sets and pod-to-pod and
 * external connectivity out. Pure: no I/O, no clock.
 */
import { AddressSpace } from './address-space.js';
import { AllowMap, type AllowSegment } from './allow-map.js';
import { Bitset } from './bitset.js';
import { CellBudget } from './cell-budget.js';
import { ClassCapExceededError } from './class-cap.js';
import { DEFAULT_ENGINE_SETTINGS, DEFAULT_MAX_CLASSES, DEFAULT_MAX_PAIR_CELLS, type EngineSettings } from './engine-settings.js';
import { buildClassIndex, type ClassIndex, type NamedPortBinding, type PodClass } from './pod-classes.js';
import { PortSpace } from './port-space.js';
import { RuleCompiler, type Direction } from './rule-compiler.js';
import { SharedLists } from './shared-lists.js';
import { TupleIds } from './tuple-ids.js';
import { effectiveAllowMap, type SubjectPolicies } from './tier-evaluation.js';
import type { AdminPolicyModel } from '../model/admin-network-policy.js';
import type { ClusterModel } from '../model/cluster-model.js';
import type { Protocol } from '../model/connection-set.js';
import { parseCidr, type AddressRange, type IpFamily } from '../model/ip-address.js';
import type { LabelSelector } from '../model/label-selector.js';
import type { NetworkPolicyModel } from '../model/network-policy.js';
import type { ObjectProblem } from '../model/object-problem.js';
import type { PolicyPort } from '../model/policy-port.js';

/** Why a class is (not) isolated in one direction, and by what. */
export interface DirectionCoverage {
  /** NetworkPolicies selecting the class that affect this direction (ids `ns/name`). */
  readonly networkPolicies: readonly string[];
  /** AdminNetworkPolicies with rules in this direction whose subject matches (ids `anp/name`). */
  readonly adminPolicies: readonly string[];
  /** Whether the BaselineAdminNetworkPolicy has rules in this direction for the class. */
  readonly baseline: boolean;
  /** Effective allow set over peers (classes, then external atoms). */
  readonly allow: AllowMap;
  /** Group id shared by classes with identical policies in this direction. */
  readonly group: number;
}

/**
 * What the engine knows before any allow set is computed: the model, the pod classes, the port and
 * address spaces and the compiled selectors. Cheap at any size (linear in pods and policies), so it is
 * available beyond the engine's limits too: the policy-level checks of an audit need nothing more.
 */
export interface PolicyAnalysis {
  readonly settings: EngineSettings;
  readonly model: ClusterModel;
  readonly index: ClassIndex;
  readonly classes: readonly PodClass[];
  readonly ports: PortSpace;
  readonly addresses: AddressSpace;
  readonly compiler: RuleCompiler;
  readonly evaluator: CoverageEvaluator;
  /** Label keys selectors use, with the values they name (the class cap's explanation reads them). */
  readonly referencedLabelValues: ReadonlyMap<string, ReadonlySet<string>>;
  /** Problems found while analysing (e.g. CIDRs of an unmodelled family). */
  readonly warnings: readonly ObjectProblem[];
}

/** A complete analysis: the policy analysis plus every class's effective allow sets and pod-to-pod reach. */
export interface ClusterAnalysis extends PolicyAnalysis {
  readonly ingress: readonly DirectionCoverage[];
  readonly egress: readonly DirectionCoverage[];
  /** Pod-to-pod: for each source class, destination classes (disjoint) with the ports both ends allow. */
  readonly reach: readonly AllowMap[];
}

/** Whether the engine's allow sets and reach were computed (a policy analysis alone stops before them). */
export function isCompleteAnalysis(a: PolicyAnalysis): a is ClusterAnalysis {
  return 'reach' in a;
}

function collectInputs(model: ClusterModel) {
  // label key -> the values selectors name (In, NotIn, matchLabels); a key only tested for presence maps to
  // an empty set: any other value is, to every selector, the same as any other unnamed value
  const labelValues = new Map<string, Set<string>>();
  const portNames = new Set<string>();
  const cidrs: AddressRange[] = [];
  const boundaries: Record<Protocol, Set<number>> = { TCP: new Set(), UDP: new Set(), SCTP: new Set() };
  let hasIpBlock = false;
  let hasAdminAddressPeer = false;
  const addSelector = (s: LabelSelector | null | undefined) => {
    if (!s) return;
    for (const r of s.requirements) {
      let values = labelValues.get(r.key);
      if (!values) labelValues.set(r.key, (values = new Set()));
      for (const v of r.values) values.add(v);
    }
  };
  const addPorts = (ports: readonly PolicyPort[] | null) => {
    for (const p of ports ?? []) {
      if (p.kind === 'named') portNames.add(p.name);
      else {
        boundaries[p.protocol].add(p.from);
        boundaries[p.protocol].add(p.to + 1);
      }
    }
  };
  for (const np of model.networkPolicies) {
    addSelector(np.podSelector);
    for (const rule of [...np.ingress, ...np.egress]) {
      addPorts(rule.ports);
      for (const peer of rule.peers ?? []) {
        if (peer.kind === 'pods') addSelector(peer.podSelector);
        else {
          hasIpBlock = true;
          cidrs.push(peer.cidr, ...peer.except);
        }
      }
    }
  }
  const admins: AdminPolicyModel[] = [...model.adminPolicies, ...(model.baselinePolicy ? [model.baselinePolicy] : [])];
  for (const a of admins) {
    if (a.subject.kind === 'pods') addSelector(a.subject.podSelector);
    for (const rule of [...a.ingress, ...a.egress]) {
      addPorts(rule.ports);
      for (const peer of rule.peers) {
        if (peer.kind === 'pods') addSelector(peer.podSelector);
        else if (peer.kind === 'networks') {
          hasAdminAddressPeer = true;
          cidrs.push(...peer.cidrs);
        } else if (peer.kind === 'nodes') {
          hasAdminAddressPeer = true;
          for (const n of model.nodes) {
            for (const a of n.addresses) {
              const c = parseCidr(`${a}/${a.includes(':') ? 128 : 32}`);
              if (typeof c !== 'string') cidrs.push(c);
            }
          }
        }
      }
    }
  }
  // named ports resolve to the containerPort numbers pods give them: added per class (see analyseCluster)
  return { labelValues, portNames, cidrs, boundaries, hasIpBlock, hasAdminAddressPeer };
}

function chooseFamilies(model: ClusterModel, setting: EngineSettings['ipFamilies']): IpFamily[] {
  if (setting === 'ipv4') return [4];
  if (setting === 'ipv6') return [6];
  if (setting === 'dual') return [4, 6];
  const seen = new Set<IpFamily>();
  const pods = model.pods;
  for (let i = 0; i < pods.length; i++) {
    const ips = pods[i]!.ips;
    for (let j = 0; j < ips.length; j++) seen.add(ips[j]!.includes(':') ? 6 : 4);
  }
  if (seen.size === 0) return [4];
  return [...seen].sort();
}

export interface AnalyseOptions {
  /** Called after each phase (profiling and progress). */
  readonly onPhase?: (phase: 'classes' | 'ingress' | 'egress' | 'reach') => void;
}

export function analyseCluster(model: ClusterModel, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS, options: AnalyseOptions = {}): ClusterAnalysis {
  return completeAnalysis(analysePolicies(model, settings), options);
}

/** Everything before the allow sets: classes, port and address spaces, compiled selectors (no limits apply). */
export function analysePolicies(model: ClusterModel, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS): PolicyAnalysis {
  const inputs = collectInputs(model);
  const families = chooseFamilies(model, settings.ipFamilies);
  const warnings: ObjectProblem[] = [];
  const ignoredFamilies = new Set(inputs.cidrs.filter((c) => !families.includes(c.family)).map((c) => c.family));
  for (const f of ignoredFamilies) {
    warnings.push({
      severity: 'warning',
      message: `policies mention IPv${f} CIDRs, but the cluster is analysed as ${families.map((x) => `IPv${x}`).join('/')} only (--ip-families ${settings.ipFamilies}); those CIDRs match nothing`,
    });
  }
  const addresses = new AddressSpace(families, inputs.cidrs);
  const index = buildClassIndex(model, {
    referencedLabelValues: inputs.labelValues,
    referencedPortNames: inputs.portNames,
    addressSpace: addresses,
    podIpsMatter: (inputs.hasIpBlock && settings.ipBlockPods === 'match') || inputs.hasAdminAddressPeer,
    hostNetworkMode: settings.hostNetwork,
  });
  const classes = index.classes;
  // the pods of a class share their referenced named-port bindings: their numbers are port boundaries too
  for (const c of classes) {
    for (const bindings of c.namedPorts.values()) {
      for (const b of bindings) {
        inputs.boundaries[b.protocol].add(b.port);
        inputs.boundaries[b.protocol].add(b.port + 1);
      }
    }
  }
  const ports = new PortSpace(inputs.boundaries);
  const compiler = new RuleCompiler(model, index, addresses, ports, settings);
  const evaluator = new CoverageEvaluator(model, index, compiler);
  return { settings, model, index, classes, ports, addresses, compiler, evaluator, referencedLabelValues: inputs.labelValues, warnings };
}

/**
 * The allow sets and pod-to-pod reach of a policy analysis, within the engine's limits (class cap, pair-cell
 * limit): past either it throws an EngineLimitError and the policy analysis stays usable (the allow maps
 * evaluated so far are dropped, so a caller that goes on with it does not keep them alive).
 */
export function completeAnalysis(base: PolicyAnalysis, options: AnalyseOptions = {}): ClusterAnalysis {
  const phase = options.onPhase ?? (() => {});
  const { model, settings, index, classes, evaluator, compiler } = base;
  const cap = settings.maxClasses ?? DEFAULT_MAX_CLASSES;
  if (classes.length > cap) throw new ClassCapExceededError(model, index, cap, base.referencedLabelValues);
  phase('classes');
  const budget = new CellBudget(settings.maxPairCells ?? DEFAULT_MAX_PAIR_CELLS, model.pods.length, classes.length);
  try {
    const ingress = evaluator.coverage('ingress', NONE, budget);
    phase('ingress');
    const egress = evaluator.coverage('egress', NONE, budget);
    phase('egress');
    const reach = combineDirections(classes.length, ingress, egress, compiler, budget);
    phase('reach');
    return { ...base, ingress, egress, reach };
  } catch (e) {
    evaluator.forgetEvaluations();
    throw e;
  }
}

/**
 * Computes every class's coverage in one direction: which policies apply and the effective allow map.
 * Classes with the same policies (and, for ingress, the same named-port bindings) share one evaluation;
 * evaluations are cached across calls, so re-evaluating with a policy left out (redundancy checks) only
 * recomputes the groups that policy touches.
 */
const NONE: ReadonlySet<string> = new Set();
const NO_NAMED: ReadonlyMap<string, readonly NamedPortBinding[]> = new Map();

export class CoverageEvaluator {
  /** Per class, the NetworkPolicies selecting it per direction, and the admin policies whose subject matches it (shared lists). */
  private readonly npBy: Record<Direction, (readonly NetworkPolicyModel[])[]>;
  private readonly adminBy: (readonly AdminPolicyModel[])[];
  private readonly baselineMembers: Bitset;
  /** Evaluated allow maps by group key (a number from `groupKeys`), with the group's policy ids. */
  private readonly cache = new Map<number, { id: number; allow: AllowMap; networkPolicies: readonly string[]; adminPolicies: readonly string[] }>();
  /** Group keys as tuples of numbers (direction, policies, baseline, named ports): no key strings built. */
  private readonly groupKeys = new TupleIds();
  private readonly keyScratch: number[] = [];
  /** A number per NetworkPolicy and AdminNetworkPolicy, for group keys. */
  private readonly policyNumber = new Map<NetworkPolicyModel | AdminPolicyModel, number>();

  constructor(
    private readonly model: ClusterModel,
    private readonly index: ClassIndex,
    private readonly compiler: RuleCompiler,
  ) {
    const classes = index.classes;
    for (const p of model.networkPolicies) this.policyNumber.set(p, this.policyNumber.size);
    for (const p of model.adminPolicies) this.policyNumber.set(p, this.policyNumber.size);
    const ingress = new SharedLists<NetworkPolicyModel>(classes.length);
    const egress = new SharedLists<NetworkPolicyModel>(classes.length);
    for (const np of model.networkPolicies) {
      this.subjectOf(np).forEach((c) => {
        if (np.affectsIngress) ingress.append(c, np);
        if (np.affectsEgress) egress.append(c, np);
      });
    }
    this.npBy = { ingress: ingress.lists(), egress: egress.lists() };
    const admin = new SharedLists<AdminPolicyModel>(classes.length);
    for (const anp of model.adminPolicies) this.subjectOf(anp).forEach((c) => admin.append(c, anp));
    this.adminBy = admin.lists();
    this.baselineMembers = model.baselinePolicy ? this.subjectOf(model.baselinePolicy) : Bitset.EMPTY;
  }

  /** Drops the cached allow maps (after the engine stopped at a limit). */
  forgetEvaluations(): void {
    this.cache.clear();
  }

  /**
   * Ids of the policies that cover a class in either direction: NetworkPolicies selecting it, admin
   * policies whose subject matches it and that have rules, the baseline when it applies. Needs no allow map.
   */
  coveringPolicies(classId: number): string[] {
    const out = new Set<string>();
    for (const d of ['ingress', 'egress'] as const) for (const np of this.npBy[d][classId]!) out.add(np.id);
    for (const a of this.adminBy[classId]!) if (a.ingress.length || a.egress.length) out.add(a.id);
    const b = this.model.baselinePolicy;
    if (b && (b.ingress.length || b.egress.length) && this.baselineMembers.has(classId)) out.add(b.id);
    return [...out];
  }

  private readonly subjects = new Map<NetworkPolicyModel | AdminPolicyModel, Bitset>();

  /** Classes a policy selects (its subject); memoised per policy. */
  subjectOf(policy: NetworkPolicyModel | AdminPolicyModel): Bitset {
    let b = this.subjects.get(policy);
    if (b) return b;
    const index = this.index;
    if ('namespace' in policy) b = index.podSelectorMatches(policy.podSelector, index.namespaceClasses(policy.namespace));
    else {
      const s = policy.subject;
      b = s.kind === 'namespaces' ? index.namespaceSelectorMatches(s.namespaceSelector) : index.podSelectorMatches(s.podSelector, index.namespaceSelectorMatches(s.namespaceSelector));
    }
    this.subjects.set(policy, b);
    return b;
  }

  /**
   * Coverage of every class in one direction, optionally as if some policies (by id) did not exist; each
   * newly evaluated allow map is charged to the budget, when one is given.
   */
  coverage(direction: Direction, without: ReadonlySet<string> = NONE, budget?: CellBudget): DirectionCoverage[] {
    const onNew = budget ? (allow: AllowMap, done: number) => budget.charge(allow, `${direction} allow maps`, done) : undefined;
    return this.index.classes.map((c) => this.classCoverage(c.id, direction, without, onNew));
  }

  /** The policies of each tier that apply to a class in one direction, optionally as if some (by id) did not exist. */
  subjectPolicies(classId: number, direction: Direction, without: ReadonlySet<string> = NONE): SubjectPolicies {
    const baselinePolicy = this.model.baselinePolicy && !without.has(this.model.baselinePolicy.id) ? this.model.baselinePolicy : undefined;
    const networkPolicies = without.size ? this.npBy[direction][classId]!.filter((p) => !without.has(p.id)) : this.npBy[direction][classId]!;
    const admin = this.adminBy[classId]!.filter((a) => a[direction].length > 0 && !without.has(a.id));
    const baseline = baselinePolicy && baselinePolicy[direction].length > 0 && this.baselineMembers.has(classId) ? baselinePolicy : undefined;
    return { networkPolicies, admin, baseline };
  }

  /** Coverage of one class in one direction, optionally as if some policies (by id) did not exist. */
  classCoverage(classId: number, direction: Direction, without: ReadonlySet<string> = NONE, onNew?: (allow: AllowMap, classesDone: number) => void): DirectionCoverage {
    const { compiler } = this;
    const ports = compiler.ports;
    const c = this.index.classes[classId]!;
    const subject = this.subjectPolicies(classId, direction, without);
    const { networkPolicies: nps, admin, baseline } = subject;
    // the group key: direction, the policies (length-prefixed lists), the baseline and, for ingress, the
    // named-port bindings (ingress named ports resolve on the subject itself)
    const key = this.keyScratch;
    key.length = 0;
    key.push(direction === 'ingress' ? 0 : 1, nps.length);
    for (let i = 0; i < nps.length; i++) key.push(this.policyNumber.get(nps[i]!)!);
    key.push(admin.length);
    for (let i = 0; i < admin.length; i++) key.push(this.policyNumber.get(admin[i]!)!);
    key.push(baseline ? 1 : 0);
    const named = direction === 'ingress' && c.namedPorts.size ? c.namedPorts : NO_NAMED;
    key.push(named === NO_NAMED ? 0 : c.namedPortsId + 1);
    const k = this.groupKeys.id(key);
    let g = this.cache.get(k);
    if (!g) {
      const allow =
        nps.length === 0 && admin.length === 0 && !baseline
          ? AllowMap.rect(compiler.allPeers, ports.all, ports)
          : effectiveAllowMap(compiler, direction, subject, named);
      g = { id: this.cache.size, allow, networkPolicies: nps.map((p) => p.id), adminPolicies: admin.map((a) => a.id) };
      this.cache.set(k, g);
      onNew?.(allow, classId + 1);
    }
    return { networkPolicies: g.networkPolicies, adminPolicies: g.adminPolicies, baseline: baseline !== undefined, allow: g.allow, group: g.id };
  }
}

/**
 * Pod-to-pod reach: for source A and destination B, egress(A) allows (B, p) and ingress(B) allows (A, p).
 * The other side's maps are transposed once per distinct peer set, so each subject learns which groups of
 * the other side admit it and on which ports; destinations are then gathered per admitted port set (groups
 * partition the classes, so these are disjoint) and cut by the subject's own segments. The work per
 * subject is proportional to the groups admitting it, never to pod pairs, and subjects with the same group
 * and the same admitting groups share one result. With (ingress, egress) it gives each source's reachable
 * destinations; with the roles swapped (egress, ingress), each destination's sources.
 */
export function combineDirections(
  N: number,
  other: readonly DirectionCoverage[],
  subject: readonly DirectionCoverage[],
  compiler: RuleCompiler,
  budget?: CellBudget,
): AllowMap[] {
  const space = compiler.ports;
  const all = compiler.allClasses;
  // the other side's groups, numbered densely: members (as a list and as a bitset) and allow maps
  const dense = new Map<number, number>();
  const memberLists: number[][] = [];
  const groupAllow: AllowMap[] = [];
  other.forEach((cov, c) => {
    let g = dense.get(cov.group);
    if (g === undefined) {
      dense.set(cov.group, (g = memberLists.length));
      memberLists.push([]);
      groupAllow.push(cov.allow);
    }
    memberLists[g]!.push(c);
  });
  const memberBits = memberLists.map((list) => Bitset.fromIndexes(list));
  // distinct peer sets of the other side's segments -> (group, ports) admitted; a peer is in at most one
  // segment of each group, so every group admits a subject on one port set
  // (hashed, then compared: a text key per segment cost more than the rest of the transposition)
  type PeerSet = { peers: Bitset; groups: number[]; ports: number[] };
  const peerSets = new Map<number, PeerSet[]>();
  const sets: PeerSet[] = [];
  groupAllow.forEach((allow, g) => {
    for (const seg of allow.segments) {
      const peers = seg.peers.and(all);
      if (peers.isEmpty) continue;
      const h = peers.hash();
      let bucket = peerSets.get(h);
      let e = bucket?.find((x) => x.peers.equals(peers));
      if (!e) {
        e = { peers, groups: [], ports: [] };
        sets.push(e);
        if (bucket) bucket.push(e);
        else peerSets.set(h, (bucket = [e]));
      }
      e.groups.push(g);
      e.ports.push(seg.ports);
    }
  });
  const admitted: number[][] = Array.from({ length: N }, () => []);
  sets.forEach((s, i) => s.peers.forEach((c) => admitted[c]!.push(i)));
  // the subject side's segments restricted to classes, once per allow map
  const ownSegments = new Map<AllowMap, AllowSegment[]>();
  const segmentsOf = (allow: AllowMap): AllowSegment[] => {
    let list = ownSegments.get(allow);
    if (!list) {
      list = [];
      for (const seg of allow.segments) {
        const peers = seg.peers.and(all);
        if (!peers.isEmpty) list.push({ peers, ports: seg.ports });
      }
      ownSegments.set(allow, list);
    }
    return list;
  };
  const scratch = new Uint32Array((N >> 5) + 1);
  /** Union of the members of some groups, as a bitset (dense groups by words, sparse ones by bits). */
  const membersOf = (groups: readonly number[]): Bitset => {
    if (groups.length === 1) return memberBits[groups[0]!]!;
    let lo = scratch.length;
    let hi = 0;
    for (const g of groups) {
      const bits = memberBits[g]!;
      const list = memberLists[g]!;
      if (list.length * 2 < bits.words.length) {
        for (const c of list) scratch[c >> 5]! |= 1 << (c & 31);
      } else {
        for (let i = 0; i < bits.words.length; i++) scratch[bits.offset + i]! |= bits.words[i]!;
      }
      if (bits.offset < lo) lo = bits.offset;
      if (bits.offset + bits.words.length > hi) hi = bits.offset + bits.words.length;
    }
    const out = Bitset.fromWords(lo, scratch.slice(lo, hi));
    scratch.fill(0, lo, hi);
    return out;
  };
  // groups of a few classes are looked up class by class (e.g. when named ports differ from pod to pod,
  // every pod class is its own ingress group), larger ones are combined as bitsets. Per peer set, the
  // members of its small groups are laid out flat, each with the index of the group's port set.
  const SMALL = 8;
  const small = memberLists.map((list) => list.length <= SMALL);
  const portIndex = new Map<number, number>();
  const portOf: number[] = [];
  const flat = sets.map((s) => {
    const members: number[] = [];
    const slots: number[] = [];
    const bigGroups: number[] = [];
    const bigPorts: number[] = [];
    s.groups.forEach((g, i) => {
      const p = s.ports[i]!;
      if (!small[g]) {
        bigGroups.push(g);
        bigPorts.push(p);
        return;
      }
      let q = portIndex.get(p);
      if (q === undefined) {
        portIndex.set(p, (q = portOf.length));
        portOf.push(p);
      }
      for (const b of memberLists[g]!) {
        members.push(b);
        slots.push(q);
      }
    });
    return { members: Int32Array.from(members), slots: Int32Array.from(slots), bigGroups, bigPorts };
  });
  // cut(e, q) = space.intersect(e, portOf[q]) for a subject's port set e, memoised in a table when it is
  // small enough (every e and q exists before this loop starts), else in a map
  const Q = portOf.length;
  let maxOwnPorts = 0;
  for (const cov of subject) for (const seg of cov.allow.segments) if (seg.ports > maxOwnPorts) maxOwnPorts = seg.ports;
  const table = (maxOwnPorts + 1) * Q <= 1 << 22 ? new Int32Array((maxOwnPorts + 1) * Q).fill(-1) : undefined;
  const cutMap = new Map<number, number>();
  const cut = (e: number, q: number): number => {
    const k = e * Q + q;
    let r = table ? table[k]! : (cutMap.get(k) ?? -1);
    if (r < 0) {
      r = space.intersect(e, portOf[q]!);
      if (table) table[k] = r;
      else cutMap.set(k, r);
    }
    return r;
  };
  // per subject allow map: the port set it gives each class (-1: none), filled when a small group needs it
  const portsAt = new Int32Array(N).fill(-1);
  let portsAtFor: AllowSegment[] | undefined;
  // subjects with the same group and the same admitting peer sets share one result (hashed, then compared)
  const memo = new Map<number, { group: number; admitted: readonly number[]; result: AllowMap }[]>();
  const out: AllowMap[] = new Array(N);
  // subjects in group order, so portsAt is refilled once per subject group
  const order = Array.from({ length: N }, (_, i) => i).sort((x, y) => subject[x]!.group - subject[y]!.group || x - y);
  let done = 0;
  for (const a of order) {
    done++;
    const own = subject[a]!;
    const adm = admitted[a]!;
    const h = hashInts(own.group, adm);
    let bucket = memo.get(h);
    const hit = bucket?.find((m) => m.group === own.group && sameInts(m.admitted, adm));
    if (hit) {
      out[a] = hit.result;
      continue;
    }
    let result: AllowMap;
    const segs = segmentsOf(own.allow);
    if (segs.length === 0 || adm.length === 0) result = AllowMap.EMPTY;
    else {
      const groupsByPorts = new Map<number, number[]>();
      const sparse = new Map<number, number[]>();
      for (const si of adm) {
        const f = flat[si]!;
        for (let i = 0; i < f.bigGroups.length; i++) {
          const p = f.bigPorts[i]!;
          const list = groupsByPorts.get(p);
          if (list) list.push(f.bigGroups[i]!);
          else groupsByPorts.set(p, [f.bigGroups[i]!]);
        }
        const members = f.members;
        if (members.length === 0) continue;
        if (portsAtFor !== segs) {
          if (portsAtFor) for (const seg of portsAtFor) seg.peers.forEach((b) => (portsAt[b] = -1));
          for (const seg of segs) seg.peers.forEach((b) => (portsAt[b] = seg.ports));
          portsAtFor = segs;
        }
        const slots = f.slots;
        for (let i = 0; i < members.length; i++) {
          const b = members[i]!;
          const e = portsAt[b]!;
          if (e < 0) continue;
          const ports = cut(e, slots[i]!);
          if (ports === space.none) continue;
          const list = sparse.get(ports);
          if (list) list.push(b);
          else sparse.set(ports, [b]);
        }
      }
      const pieces: AllowSegment[] = [];
      for (const [p, groups] of groupsByPorts) {
        const dsts = membersOf(groups);
        for (const seg of segs) {
          const ports = space.intersect(seg.ports, p);
          if (ports === space.none) continue;
          const d = seg.peers.and(dsts);
          if (!d.isEmpty) pieces.push({ peers: d, ports });
        }
      }
      for (const [ports, list] of sparse) pieces.push({ peers: Bitset.fromIndexes(list), ports });
      result = AllowMap.fromDisjoint(pieces, space);
    }
    if (!bucket) memo.set(h, (bucket = []));
    bucket.push({ group: own.group, admitted: adm, result });
    out[a] = result;
    budget?.charge(result, 'pod-to-pod reach', done);
  }
  return out;
}

/** A 32-bit hash of a number and a list of numbers (FNV-1a over 32-bit words). */
function hashInts(first: number, list: readonly number[]): number {
  let h = Math.imul(0x811c9dc5 ^ first, 16777619);
  for (let i = 0; i < list.length; i++) h = Math.imul(h ^ list[i]!, 16777619);
  return h >>> 0;
}

function sameInts(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
