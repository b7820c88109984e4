/**
 * Turns policy peers and ports into bitsets over the peer universe (pod classes, then external address
 * atoms) and into AllowMaps per rule, resolving named ports on the destination pod in both directions.
 */
import { AllowMap } from './allow-map.js';
import { Bitset } from './bitset.js';
import type { AddressSpace } from './address-space.js';
import type { ClassIndex, NamedPortBinding } from './pod-classes.js';
import type { PortSetId, PortSpace } from './port-space.js';
import type { EngineSettings } from './engine-settings.js';
import type { AdminPeer, AdminRule } from '../model/admin-network-policy.js';
import type { AddressRange, Cidr } from '../model/ip-address.js';
import { parseIp } from '../model/ip-address.js';
import type { NetworkPolicyPeer, NetworkPolicyRule } from '../model/network-policy.js';
import type { PolicyPort } from '../model/policy-port.js';
import { selectorMatches } from '../model/label-selector.js';
import type { ClusterModel } from '../model/cluster-model.js';

export type Direction = 'ingress' | 'egress';

export class RuleCompiler {
  /** Number of pod classes: peer bits [0, N) are classes, [N, N + atoms) external address atoms. */
  readonly classCount: number;
  readonly allPeers: Bitset;
  readonly allClasses: Bitset;
  readonly allExternal: Bitset;
  private readonly peerMemo = new Map<string, Bitset>();
  /** Peers of a NetworkPolicy rule, by rule object: a rule is met once per class group its policy selects. */
  private readonly rulePeerMemo = new Map<NetworkPolicyRule, Bitset>();
  /** Numbered ports of a port list, by list object. */
  private readonly numericMemo = new Map<readonly PolicyPort[], PortSetId>();
  private readonly egressNamedMemo = new Map<string, AllowMap>();
  /** The same, by peer set and port list objects (weakly: an admin rule's peer set is built anew per call). */
  private egressNamedByObject = new WeakMap<Bitset, Map<readonly PolicyPort[], AllowMap>>();
  private readonly namedGroups = new Map<string, { classes: Bitset; bindings: readonly NamedPortBinding[] }[]>();

  constructor(
    private readonly model: ClusterModel,
    private readonly index: ClassIndex,
    readonly addresses: AddressSpace,
    readonly ports: PortSpace,
    private readonly settings: EngineSettings,
  ) {
    this.classCount = index.classes.length;
    this.allClasses = Bitset.range(0, this.classCount);
    this.allExternal = addresses.all(this.classCount);
    this.allPeers = this.allClasses.or(this.allExternal);
  }

  /**
   * Drops the memoised peer sets (they are rebuilt on demand): for a caller that keeps a policy analysis
   * after its checks ran, e.g. the two sides of a drift beyond the engine's limits.
   */
  forgetPeers(): void {
    this.peerMemo.clear();
    this.rulePeerMemo.clear();
    this.egressNamedMemo.clear();
    this.egressNamedByObject = new WeakMap();
    this.namedGroups.clear();
    this.classesByAtom = undefined;
    this.multiAtomClasses = undefined;
    this.rangeClassMemo.clear();
    this.atomMemo.clear();
  }

  /**
   * Drops the peer sets memoised per rule and per address range, keeping those per peer: for a caller done
   * with the rules of a direction whose later questions are per peer (the block audit's checks).
   */
  forgetRulePeers(): void {
    this.rulePeerMemo.clear();
    this.rangeClassMemo.clear();
  }

  /** Address atom -> ids of the classes with a pod IP in it, as flat arrays (built on first use). */
  private classesByAtom: Map<number, Int32Array> | undefined;
  /** Classes whose pods run on the host network (built on first use). */
  private hostNetworkClasses: Bitset | undefined;
  /** Classes whose pods' IPs lie in more than one address atom (built on first use). */
  private multiAtomClasses: Bitset | undefined;

  private indexClassesByAtom(): Map<number, Int32Array> {
    const lists = new Map<number, number[]>();
    for (const c of this.index.classes) {
      for (const a of c.addressAtoms) {
        const list = lists.get(a);
        if (list) list.push(c.id);
        else lists.set(a, [c.id]);
      }
    }
    return new Map([...lists].map(([a, ids]) => [a, Int32Array.from(ids)]));
  }

  /** Classes with a pod IP inside an address range, by range (a pod-range block recurs in every namespace). */
  private readonly rangeClassMemo = new Map<string, { bits: Bitset; ids: readonly number[] }>();

  /** The classes as a set and as a list of ids (an exception's few classes are cleared one by one). */
  private classesInRange(r: AddressRange): { bits: Bitset; ids: readonly number[] } {
    const key = `${r.family}:${r.start}-${r.end}`;
    let b = this.rangeClassMemo.get(key);
    if (b) return b;
    const atoms = this.addresses.rangeBits(r, this.classCount);
    const byAtom = (this.classesByAtom ??= this.indexClassesByAtom());
    const members: number[] = [];
    for (let bit = atoms.nextSetBit(this.classCount); bit >= 0; bit = atoms.nextSetBit(bit + 1)) {
      const ids = byAtom.get(bit - this.classCount);
      if (ids) for (let k = 0; k < ids.length; k++) members.push(ids[k]!);
    }
    b = { bits: Bitset.fromIndexes(members), ids: members };
    this.rangeClassMemo.set(key, b);
    return b;
  }

  /**
   * External atoms of a CIDR list minus exceptions, plus the classes whose pod IPs fall inside (all of them,
   * or only hostNetwork ones). The classes come from per-range sets (memoised): those of the CIDRs minus
   * those of the exceptions, and a class with IPs both in an exception and elsewhere is checked atom by atom.
   * A block over the whole pod range is met in every namespace and costs one pass over its classes in all.
   */
  private addressPeers(cidrs: readonly Cidr[], except: readonly Cidr[], pods: 'all' | 'hostNetwork'): Bitset {
    const atoms = this.externalAtoms(cidrs, except);
    if (atoms.isEmpty) return atoms;
    let classes = cidrs.length === 1 ? this.classesInRange(cidrs[0]!).bits : Bitset.union(cidrs.map((c) => this.classesInRange(c).bits));
    if (except.length && !classes.isEmpty) {
      // the excepted classes' bits are cleared in one copy of the block's (an exception holds few classes);
      // a class with one IP atom inside an exception is out, one with several may have another inside
      const multi = (this.multiAtomClasses ??= Bitset.fromIndexes(this.index.classes.filter((c) => c.addressAtoms.length > 1).map((c) => c.id)));
      const n = this.classCount;
      const from = classes;
      const keepsAnAtom = (id: number) => this.index.classes[id]!.addressAtoms.some((a) => atoms.has(n + a));
      let words: Uint32Array | undefined;
      const kept: number[] = [];
      for (const e of except) {
        const inside = this.classesInRange(e);
        if (inside.ids.length * 4 > from.words.length) {
          // an exception holding many classes (10.0.0.0/8 out of 0.0.0.0/0) is cleared word by word
          const w = (words ??= from.words.slice());
          const ew = inside.bits.words;
          const lo = Math.max(inside.bits.offset, from.offset);
          const hi = Math.min(inside.bits.offset + ew.length, from.offset + w.length);
          for (let i = lo; i < hi; i++) w[i - from.offset]! &= ~ew[i - inside.bits.offset]!;
          multi.and(inside.bits).forEach((id) => {
            if (from.has(id) && keepsAnAtom(id)) kept.push(id);
          });
          continue;
        }
        const ids = inside.ids;
        for (let k = 0; k < ids.length; k++) {
          const id = ids[k]!;
          if (!from.has(id) || (multi.has(id) && keepsAnAtom(id))) continue;
          if (!words) words = from.words.slice();
          words[(id >> 5) - from.offset]! &= ~(1 << (id & 31));
        }
      }
      if (words) {
        for (const id of kept) words[(id >> 5) - from.offset]! |= 1 << (id & 31);
        classes = Bitset.fromWords(from.offset, words);
      }
    }
    if (pods === 'hostNetwork') classes = classes.and((this.hostNetworkClasses ??= Bitset.fromIndexes(this.index.classes.filter((c) => c.hostNetwork).map((c) => c.id))));
    return classes.isEmpty ? atoms : atoms.or(classes);
  }

  networkPolicyPeer(policyNamespace: string, peer: NetworkPolicyPeer): Bitset {
    const key =
      peer.kind === 'pods'
        ? `np|${peer.namespaceSelector ? `s:${peer.namespaceSelector.key}` : `n:${policyNamespace}`}|${peer.podSelector.key}`
        : `ip|${peer.cidr.text}|${peer.except.map((e) => e.text).join(',')}`;
    let b = this.peerMemo.get(key);
    if (b) return b;
    if (peer.kind === 'pods') {
      const scope = peer.namespaceSelector ? this.index.namespaceSelectorMatches(peer.namespaceSelector) : this.index.namespaceClasses(policyNamespace);
      b = this.index.podSelectorMatches(peer.podSelector, scope);
    } else {
      // pod IPs are matched per the ipBlockPods setting; hostNetwork pods (node mode) carry node IPs, which ipBlock always matches
      const podsToo = this.settings.ipBlockPods === 'match';
      b = this.addressPeers([peer.cidr], peer.except, podsToo ? 'all' : 'hostNetwork');
    }
    this.peerMemo.set(key, b);
    return b;
  }

  /**
   * Peers of a rule of a policy in `policyNamespace` (a rule object belongs to one policy: memoised by it,
   * unless `memo` is false: the union of the memoised per-peer sets, for a caller that keeps its own form).
   */
  networkPolicyRulePeers(policyNamespace: string, rule: NetworkPolicyRule, memo = true): Bitset {
    if (rule.peers === null) return this.allPeers;
    let b = this.rulePeerMemo.get(rule);
    if (b) return b;
    b = Bitset.EMPTY;
    for (const p of rule.peers) b = b.or(this.networkPolicyPeer(policyNamespace, p));
    if (memo) this.rulePeerMemo.set(rule, b);
    return b;
  }

  /**
   * A NetworkPolicy rule's peers within a scope (all of them without one). A scope of external addresses
   * alone (the audit's external parts) only needs the rule's ipBlock peers: a pod selector matches pod classes
   * only, so it is not evaluated (nor memoised) for such a scope.
   */
  networkPolicyRulePeersWithin(policyNamespace: string, rule: NetworkPolicyRule, scope?: Bitset): Bitset {
    if (!scope) return this.networkPolicyRulePeers(policyNamespace, rule);
    if (rule.peers === null || !this.addressesOnly(scope)) return this.networkPolicyRulePeers(policyNamespace, rule).and(scope);
    let b = Bitset.EMPTY;
    for (const p of rule.peers) if (p.kind !== 'pods') b = b.or(this.externalAtoms([p.cidr], p.except));
    return b.and(scope);
  }

  /** An admin rule's peers within a scope (all of them without one); for a scope of external addresses alone, as above. */
  adminRulePeersWithin(rule: AdminRule, scope?: Bitset): Bitset {
    if (!scope) return this.adminRulePeers(rule);
    if (!this.addressesOnly(scope)) return this.adminRulePeers(rule).and(scope);
    const atomsOf = (p: Exclude<AdminPeer, { kind: 'unmodelled' }>) =>
      p.kind === 'namespaces' || p.kind === 'pods' ? Bitset.EMPTY : p.kind === 'networks' ? this.externalAtoms(p.cidrs, []) : this.adminPeer(p);
    return this.adminRulePeers(rule, atomsOf).and(scope);
  }

  private readonly atomMemo = new Map<string, Bitset>();

  /** The external atoms of CIDRs less exceptions, without the pod classes inside them (memoised). */
  private externalAtoms(cidrs: readonly Cidr[], except: readonly Cidr[]): Bitset {
    const key = `${cidrs.map((c) => c.text).join(',')}|${except.map((e) => e.text).join(',')}`;
    let atoms = this.atomMemo.get(key);
    if (atoms) return atoms;
    atoms = Bitset.EMPTY;
    for (const c of cidrs) atoms = atoms.or(this.addresses.rangeBits(c, this.classCount));
    for (const e of except) atoms = atoms.andNot(this.addresses.rangeBits(e, this.classCount));
    this.atomMemo.set(key, atoms);
    return atoms;
  }

  /** Whether a set holds no pod class (only external address atoms). */
  private addressesOnly(scope: Bitset): boolean {
    const first = scope.nextSetBit(0);
    return first < 0 || first >= this.classCount;
  }

  /**
   * Peers of an admin rule; `unmodelled` peers fail closed (match nothing for Allow, everything otherwise).
   * `peerOf` gives a peer's set (adminRulePeersWithin gives only what an address-only scope reads).
   */
  adminRulePeers(rule: AdminRule, peerOf: (peer: Exclude<AdminPeer, { kind: 'unmodelled' }>) => Bitset = (p) => this.adminPeer(p)): Bitset {
    let b = Bitset.EMPTY;
    for (const p of rule.peers) {
      if (p.kind === 'unmodelled') {
        if (rule.action !== 'Allow') return this.allPeers;
        continue;
      }
      b = b.or(peerOf(p));
    }
    return b;
  }

  private adminPeer(peer: Exclude<AdminPeer, { kind: 'unmodelled' }>): Bitset {
    switch (peer.kind) {
      case 'namespaces':
        return this.index.namespaceSelectorMatches(peer.namespaceSelector);
      case 'pods':
        return this.index.podSelectorMatches(peer.podSelector, this.index.namespaceSelectorMatches(peer.namespaceSelector));
      case 'networks': {
        const key = `net|${peer.cidrs.map((c) => c.text).join(',')}`;
        let b = this.peerMemo.get(key);
        if (!b) this.peerMemo.set(key, (b = this.addressPeers(peer.cidrs, [], 'all')));
        return b;
      }
      case 'nodes': {
        const key = `nodes|${peer.nodeSelector.key}`;
        let b = this.peerMemo.get(key);
        if (!b) {
          const cidrs: Cidr[] = [];
          for (const n of this.model.nodes) {
            if (!selectorMatches(peer.nodeSelector, n.labels)) continue;
            for (const a of n.addresses) {
              const ip = parseIp(a);
              if (ip) cidrs.push({ family: ip.family, start: ip.value, end: ip.value, prefix: ip.family === 4 ? 32 : 128, text: a });
            }
          }
          b = this.addressPeers(cidrs, [], 'hostNetwork');
          this.peerMemo.set(key, b);
        }
        return b;
      }
    }
  }

  /** Numbered ports of a port list as one port set (named entries are left to the caller). */
  numericPorts(list: readonly PolicyPort[]): PortSetId {
    let id = this.numericMemo.get(list);
    if (id !== undefined) return id;
    id = this.ports.none;
    for (const p of list) if (p.kind === 'range') id = this.ports.union(id, this.ports.range(p.protocol, p.from, p.to));
    this.numericMemo.set(list, id);
    return id;
  }

  /** Ports a named entry means on a pod with these bindings (protocol must agree unless the entry has none). */
  namedPortsOn(entry: { protocol: PolicyPort['protocol']; name: string }, bindings: readonly NamedPortBinding[] | undefined): PortSetId {
    let id = this.ports.none;
    for (const b of bindings ?? []) {
      if (entry.protocol === null || entry.protocol === b.protocol) id = this.ports.union(id, this.ports.range(b.protocol, b.port, b.port));
    }
    return id;
  }

  /** Classes grouped by what a port name resolves to on them (classes without the name are absent). */
  private namedPortGroups(name: string): { classes: Bitset; bindings: readonly NamedPortBinding[] }[] {
    let groups = this.namedGroups.get(name);
    if (groups) return groups;
    const byKey = new Map<string, { ids: number[]; bindings: readonly NamedPortBinding[] }>();
    for (const c of this.index.classes) {
      const b = c.namedPorts.get(name);
      if (!b) continue;
      const k = b.map((x) => `${x.protocol}/${x.port}`).join(',');
      const g = byKey.get(k);
      if (g) g.ids.push(c.id);
      else byKey.set(k, { ids: [c.id], bindings: b });
    }
    groups = [...byKey.values()].map((g) => ({ classes: Bitset.fromIndexes(g.ids), bindings: g.bindings }));
    this.namedGroups.set(name, groups);
    return groups;
  }

  /**
   * The AllowMap of one rule: peers x ports. Named ports resolve on the destination pod: for ingress that is
   * the subject (`subjectNamedPorts`), for egress each destination class; an external destination has no
   * named ports, so egress to external addresses never matches a name.
   */
  ruleMap(
    peers: Bitset,
    ports: readonly PolicyPort[] | null,
    direction: Direction,
    subjectNamedPorts?: ReadonlyMap<string, readonly NamedPortBinding[]>,
  ): AllowMap {
    const space = this.ports;
    if (ports === null) return AllowMap.rect(peers, space.all, space);
    const numeric = this.numericPorts(ports);
    const named = ports.filter((p): p is Extract<PolicyPort, { kind: 'named' }> => p.kind === 'named');
    let m = AllowMap.rect(peers, numeric, space);
    if (!named.length) return m;
    if (direction === 'ingress') {
      let resolved = space.none;
      for (const n of named) resolved = space.union(resolved, this.namedPortsOn(n, subjectNamedPorts?.get(n.name)));
      // the destination is the subject pod itself, so the name resolves for every source, external ones too
      return AllowMap.rect(peers, space.union(numeric, resolved), space);
    }
    // egress: each destination class resolves the names itself (an address has no names to resolve)
    const first = peers.nextSetBit(0);
    if (first < 0 || first >= this.classCount) return m;
    // the same rule is met by many subjects
    // (by the peer set and port list objects first: a rule's peers are memoised, so its next meeting needs no text key)
    let byPorts = this.egressNamedByObject.get(peers);
    const known = byPorts?.get(ports);
    if (known) return known;
    if (!byPorts) this.egressNamedByObject.set(peers, (byPorts = new Map()));
    const memoKey = `${peers.key()}|${ports.map(portKey).join(',')}`;
    const cached = this.egressNamedMemo.get(memoKey);
    if (cached) {
      byPorts.set(ports, cached);
      return cached;
    }
    // classes in peers whose named ports add something, with what they add
    const extra = new Map<number, PortSetId>();
    for (const n of named) {
      for (const g of this.namedPortGroups(n.name)) {
        const ids = this.namedPortsOn(n, g.bindings);
        if (ids === space.none) continue;
        peers.and(g.classes).forEach((c) => extra.set(c, space.union(extra.get(c) ?? space.none, ids)));
      }
    }
    if (extra.size) {
      const byPorts = new Map<PortSetId, number[]>();
      for (const [c, ids] of extra) {
        const p = space.union(numeric, ids);
        const list = byPorts.get(p);
        if (list) list.push(c);
        else byPorts.set(p, [c]);
      }
      const pieces = [...byPorts].map(([p, list]) => ({ peers: Bitset.fromIndexes(list), ports: p }));
      const rest = peers.andNot(Bitset.fromIndexes(extra.keys()));
      m = AllowMap.fromDisjoint([...pieces, { peers: rest, ports: numeric }], space);
    }
    this.egressNamedMemo.set(memoKey, m);
    byPorts.set(ports, m);
    return m;
  }
}

export const portKey = (p: PolicyPort): string => (p.kind === 'named' ? `${p.protocol ?? '*'}:${p.name}` : `${p.protocol}:${p.from}-${p.to}`);
