/**
 * Equivalence classes of pods: pods in one namespace that every selector, named port and address rule
 * treats alike. The engine evaluates classes, never pod pairs. Classes are numbered namespace by
 * namespace, so a namespace's classes form one contiguous range of bits.
 */
import { Bitset } from './bitset.js';
import { TupleIds } from './tuple-ids.js';
import type { AddressSpace } from './address-space.js';
import { isPodOf, podWorkloadKey, type ClusterModel, type NamespaceModel, type PodModel } from '../model/cluster-model.js';
import type { Labels, LabelSelector, SelectorRequirement } from '../model/label-selector.js';
import { selectorMatches } from '../model/label-selector.js';
import type { Protocol } from '../model/connection-set.js';

export interface NamedPortBinding {
  readonly protocol: Protocol;
  readonly port: number;
}

export interface PodClass {
  readonly id: number;
  readonly namespace: string;
  /**
   * Labels of the first pod of the class. All pods of a class carry the same label keys that selectors use,
   * and agree on every value a selector names; values no selector names may differ from pod to pod.
   */
  readonly labels: Labels;
  /** Matched by pod and namespace selectors (false for hostNetwork pods in `node` mode). */
  readonly selectable: boolean;
  readonly hostNetwork: boolean;
  /** Referenced port names resolved on these pods. */
  readonly namedPorts: ReadonlyMap<string, readonly NamedPortBinding[]>;
  /** A number for the set of those bindings: classes with equal numbers resolve every referenced port name alike. */
  readonly namedPortsId: number;
  /** Address atoms holding the pods' IPs (only atoms of modelled families). */
  readonly addressAtoms: readonly number[];
  readonly pods: readonly PodModel[];
  readonly workloads: readonly string[];
}

export interface ClassIndex {
  readonly classes: readonly PodClass[];
  /** [first, end) class ids per namespace. */
  readonly namespaceRange: ReadonlyMap<string, readonly [number, number]>;
  /** All selectable classes. */
  readonly selectable: Bitset;
  /**
   * Classes matching a pod selector: over all namespaces, memoised by selector key; or, given `within` (a
   * set of selectable classes, e.g. one namespace's), only those of it (evaluated inside it the first time
   * a selector is met, from the memo after that).
   */
  podSelectorMatches(sel: LabelSelector, within?: Bitset): Bitset;
  /** Selectable classes of namespaces matching a namespace selector; memoised. */
  namespaceSelectorMatches(sel: LabelSelector): Bitset;
  /** Selectable classes of one namespace. */
  namespaceClasses(ns: string): Bitset;
}

export interface ClassInputs {
  /**
   * Label keys selectors use, each with the values they name (In, NotIn, matchLabels). Values no selector
   * names are alike to every selector, so pods differing only in those stay in one class.
   */
  readonly referencedLabelValues: ReadonlyMap<string, ReadonlySet<string>>;
  readonly referencedPortNames: ReadonlySet<string>;
  readonly addressSpace: AddressSpace;
  /** Whether pod IPs must split classes (some ipBlock/networks peer can match pod IPs). */
  readonly podIpsMatter: boolean;
  readonly hostNetworkMode: 'node' | 'pod';
}

/** A pod's referenced named ports as name -> bindings. */
function namedBindings(pod: PodModel, referenced: ReadonlySet<string>): Map<string, NamedPortBinding[]> {
  const named = new Map<string, NamedPortBinding[]>();
  for (const cp of pod.ports) {
    if (!cp.name || !referenced.has(cp.name)) continue;
    const list = named.get(cp.name);
    if (list) list.push({ protocol: cp.protocol, port: cp.port });
    else named.set(cp.name, [{ protocol: cp.protocol, port: cp.port }]);
  }
  return named;
}

const PROTOCOL_INDEX: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2 };

interface ClassEntry {
  readonly ns: string;
  readonly pods: PodModel[];
  readonly atoms: number[];
  readonly named: Map<string, NamedPortBinding[]>;
  readonly namedId: number;
  readonly host: boolean;
}

/** Classes carrying a selector's values that are picked one by one rather than through per-value sets. */
const FEW_IDS = 1024;

export function buildClassIndex(model: ClusterModel, inputs: ClassInputs): ClassIndex {
  const { referencedLabelValues, referencedPortNames, addressSpace } = inputs;
  const NO_PORTS: Map<string, NamedPortBinding[]> = new Map();
  // A pod's class is the tuple (namespace, host mode, labels, named ports, address atoms) as selectors,
  // rules and ipBlocks can tell them, each part numbered: each (key, named value) pair gets a number, and
  // each key one more for "a value no selector names"; each referenced (port name, protocol, number)
  // binding gets one; address atoms are numbers already. Sorted, each list is numbered as a tuple.
  const pairIds = new Map<string, { named: Map<string, number>; other: number }>();
  let nextPair = 0;
  for (const [k, values] of referencedLabelValues) {
    const named = new Map<string, number>();
    for (const v of values) named.set(v, nextPair++);
    pairIds.set(k, { named, other: nextPair++ });
  }
  const bindingIds = new Map<string, Map<number, number>>();
  for (const name of referencedPortNames) bindingIds.set(name, new Map());
  let nextBinding = 0;
  const namespaceIds = new Map<string, number>();
  const labelTuples = new TupleIds();
  const portTuples = new TupleIds();
  const atomTuples = new TupleIds();
  const classTuples = new TupleIds();
  const entries: ClassEntry[] = [];
  const own = new ScratchInts();
  const bindings = new ScratchInts();
  const atoms = new ScratchInts();
  const tuple = [0, 0, 0, 0, 0];
  const namedById: (Map<string, NamedPortBinding[]> | undefined)[] = [];
  // indexed loops over the 100k pods: until V8 optimises them, for-of allocates an iterator result per step
  const pods = model.pods;
  for (let p = 0; p < pods.length; p++) {
    const pod = pods[p]!;
    const host = pod.hostNetwork && inputs.hostNetworkMode === 'node';
    let ns = namespaceIds.get(pod.namespace);
    if (ns === undefined) namespaceIds.set(pod.namespace, (ns = namespaceIds.size));
    own.clear();
    for (const k in pod.labels) {
      const ids = pairIds.get(k);
      if (ids) own.push(ids.named.get(pod.labels[k]!) ?? ids.other);
    }
    own.sortAscending();
    bindings.clear();
    if (bindingIds.size) {
      for (let i = 0; i < pod.ports.length; i++) {
        const cp = pod.ports[i]!;
        const byPort = cp.name ? bindingIds.get(cp.name) : undefined;
        if (!byPort) continue;
        const k = cp.port * 4 + PROTOCOL_INDEX[cp.protocol];
        let id = byPort.get(k);
        if (id === undefined) byPort.set(k, (id = nextBinding++));
        bindings.push(id);
      }
      bindings.sortAscending();
    }
    atoms.clear();
    if ((inputs.podIpsMatter || host) && pod.ips.length) {
      for (let i = 0; i < pod.ips.length; i++) {
        const a = addressSpace.atomOfIp(pod.ips[i]!);
        if (a >= 0 && !atoms.has(a)) atoms.push(a);
      }
      atoms.sortAscending();
    }
    tuple[0] = ns;
    tuple[1] = host ? 1 : 0;
    tuple[2] = labelTuples.id(own.values, own.length);
    tuple[3] = portTuples.id(bindings.values, bindings.length);
    tuple[4] = atomTuples.id(atoms.values, atoms.length);
    const c = classTuples.id(tuple);
    if (c === entries.length) {
      // classes with equal bindings share one map (W3: the same few thousand binding sets over 100k classes)
      const named = bindings.length ? (namedById[tuple[3]!] ??= namedBindings(pod, referencedPortNames)) : NO_PORTS;
      entries.push({ ns: pod.namespace, pods: [pod], atoms: atoms.copy(), named, namedId: tuple[3]!, host });
    } else entries[c]!.pods.push(pod);
  }
  // namespace by namespace (a namespace's classes form one range of ids), in the order pods were met
  const order = entries.map((_, i) => i).sort((a, b) => {
    const na = entries[a]!.ns;
    const nb = entries[b]!.ns;
    return na < nb ? -1 : na > nb ? 1 : a - b;
  });
  const workloadLists = new Map<string, readonly string[]>();
  const classes: PodClass[] = order.map((i, id) => {
    const e = entries[i]!;
    return {
      id,
      namespace: e.ns,
      labels: e.pods[0]!.labels,
      selectable: !e.host,
      hostNetwork: e.host,
      namedPorts: e.named,
      namedPortsId: e.namedId,
      addressAtoms: e.atoms,
      pods: e.pods,
      workloads: distinctWorkloads(e.pods, workloadLists),
    };
  });
  // the entries are done with (closures below share this scope: left in place, they would be kept)
  entries.length = 0;
  const namespaceRange = new Map<string, [number, number]>();
  for (const c of classes) {
    const r = namespaceRange.get(c.namespace);
    if (r) r[1] = c.id + 1;
    else namespaceRange.set(c.namespace, [c.id, c.id + 1]);
  }
  const selectable = Bitset.fromIndexes(classes.filter((c) => c.selectable).map((c) => c.id));

  // label index over selectable classes: (key, named value) pair number -> classes, and key -> classes
  // having it; arrays by pair number, not maps by value (W3's selectors name ~95,000 instance values)
  const valueIndex: (number[] | undefined)[] = new Array(nextPair);
  const keyIndex = new Map<string, number[]>();
  for (const c of classes) {
    if (!c.selectable) continue;
    for (const k in c.labels) {
      const ids = pairIds.get(k);
      if (!ids) continue;
      const pair = ids.named.get(c.labels[k]!);
      if (pair !== undefined) {
        const list = valueIndex[pair];
        if (list) list.push(c.id);
        else valueIndex[pair] = [c.id];
      }
      const kl = keyIndex.get(k);
      if (kl) kl.push(c.id);
      else keyIndex.set(k, [c.id]);
    }
  }
  // the classes carrying a named value, built on first use (no `key=value` strings: ~200,000 uses in W3)
  const valueBits: (Bitset | undefined)[] = new Array(nextPair);
  const NO_IDS: readonly number[] = [];
  /** Ids of the classes carrying a named value. */
  const valueIds = (k: string, v: string): readonly number[] => {
    const pair = pairIds.get(k)?.named.get(v);
    return pair === undefined ? NO_IDS : (valueIndex[pair] ?? NO_IDS);
  };
  const valueSet = (k: string, v: string): Bitset => {
    const pair = pairIds.get(k)?.named.get(v);
    if (pair === undefined) return Bitset.EMPTY;
    return (valueBits[pair] ??= Bitset.fromIndexes(valueIndex[pair] ?? []));
  };
  /** Whether the classes carrying a requirement's values are few: at most FEW_IDS, or few next to `from`'s words. */
  const fewValueIds = (r: SelectorRequirement, from: Bitset): boolean => {
    let count = 0;
    for (const v of r.values) count += valueIds(r.key, v).length;
    return count <= FEW_IDS || count * 8 <= from.words.length;
  };
  /**
   * The classes of `from` carrying one of a requirement's values, when they are few (at most FEW_IDS) or few
   * next to `from`'s words (a list of pod names across the cluster): picked id by id into one set of their
   * own span, instead of a union and an intersection each as wide as the list's spread, and without a set
   * memoised per value (W3's selectors name ~95,000 values of one class each: 22 MB of one-bit sets).
   */
  const fewWithValue = (r: SelectorRequirement, from: Bitset): Bitset | undefined => {
    if (!fewValueIds(r, from)) return undefined;
    const ids: number[] = [];
    for (const v of r.values) for (const id of valueIds(r.key, v)) if (from.has(id)) ids.push(id);
    return Bitset.fromIndexes(ids);
  };
  /** `from` less the classes carrying one of a requirement's values, id by id, when they are few or `from` is narrow. */
  const withoutValues = (r: SelectorRequirement, from: Bitset): Bitset | undefined => {
    if (from.words.length > 64 && !fewValueIds(r, from)) return undefined;
    let words: Uint32Array | undefined;
    for (const v of r.values) {
      for (const id of valueIds(r.key, v)) {
        if (!from.has(id)) continue;
        words ??= from.words.slice();
        words[(id >> 5) - from.offset]! &= ~(1 << (id & 31));
      }
    }
    return words ? Bitset.fromWords(from.offset, words) : from;
  };
  const keyBits = new Map<string, Bitset>();
  const keySet = (k: string): Bitset => {
    let b = keyBits.get(k);
    if (!b) keyBits.set(k, (b = Bitset.fromIndexes(keyIndex.get(k) ?? [])));
    return b;
  };
  /** Classes carrying any of the values a requirement names, in one pass (pairwise unions copy per value). */
  const anyValue = (r: SelectorRequirement): Bitset => Bitset.union(r.values.map((v) => valueSet(r.key, v)));
  /** Classes of `from` (selectable ones) that satisfy every requirement of a selector. */
  const matchWithin = (sel: LabelSelector, from: Bitset): Bitset => {
    let b = from;
    for (const r of sel.requirements) {
      // classes only tell apart the keys and values the cluster's selectors use
      const named = referencedLabelValues.get(r.key);
      if (!named || r.values.some((v) => !named.has(v))) throw new Error(`internal: selector ${sel.key} was not known when the pod classes were built`);
      switch (r.operator) {
        case 'Exists':
          b = b.and(keySet(r.key));
          break;
        case 'DoesNotExist':
          b = b.andNot(keySet(r.key));
          break;
        case 'In':
          b = r.values.length ? (fewWithValue(r, b) ?? b.and(anyValue(r))) : Bitset.EMPTY;
          break;
        case 'NotIn':
          // a narrow set, or few classes with the values, drop them id by id; else their union in one pass
          b = withoutValues(r, b) ?? b.andNot(anyValue(r));
          break;
      }
      if (b.isEmpty) break;
    }
    return b;
  };
  // a selector met once inside a set is evaluated there; met again, over all classes once and memoised
  // (selectors that recur across namespaces, like app=web, are then a cheap intersection; one-off ones,
  // like a list of pod names, never pay for a cluster-wide set)
  const podMemo = new Map<string, Bitset>();
  const metOnce = new Set<string>();
  const podSelectorMatches = (sel: LabelSelector, within?: Bitset): Bitset => {
    let b = podMemo.get(sel.key);
    if (!b) {
      if (within && !metOnce.has(sel.key)) {
        metOnce.add(sel.key);
        return matchWithin(sel, within);
      }
      podMemo.set(sel.key, (b = matchWithin(sel, selectable)));
    }
    return within ? within.and(b) : b;
  };
  const nsClassMemo = new Map<string, Bitset>();
  const namespaceClasses = (ns: string): Bitset => {
    let b = nsClassMemo.get(ns);
    if (!b) {
      const r = namespaceRange.get(ns);
      b = r ? Bitset.range(r[0], r[1]).and(selectable) : Bitset.EMPTY;
      nsClassMemo.set(ns, b);
    }
    return b;
  };
  const nsSelMemo = new Map<string, Bitset>();
  // namespaces by label key and value, so a selector with an In requirement only checks the namespaces
  // carrying one of its values (a `kubernetes.io/metadata.name` pin checks one namespace, not all)
  let nsByLabel: Map<string, Map<string, NamespaceModel[]>> | undefined;
  const namespacesByLabel = (): Map<string, Map<string, NamespaceModel[]>> => {
    if (nsByLabel) return nsByLabel;
    nsByLabel = new Map();
    for (const ns of model.namespaces.values()) {
      for (const k in ns.labels) {
        let byValue = nsByLabel.get(k);
        if (!byValue) nsByLabel.set(k, (byValue = new Map()));
        const v = ns.labels[k]!;
        const list = byValue.get(v);
        if (list) list.push(ns);
        else byValue.set(v, [ns]);
      }
    }
    return nsByLabel;
  };
  const candidates = (sel: LabelSelector): Iterable<NamespaceModel> => {
    let best: NamespaceModel[] | undefined;
    for (const r of sel.requirements) {
      if (r.operator !== 'In') continue;
      const byValue = namespacesByLabel().get(r.key);
      let list: NamespaceModel[] = [];
      for (const v of r.values) {
        const some = byValue?.get(v);
        if (some) list = list.length ? list.concat(some) : some;
      }
      if (!best || list.length < best.length) best = list;
    }
    return best ?? model.namespaces.values();
  };
  const namespaceSelectorMatches = (sel: LabelSelector): Bitset => {
    let b = nsSelMemo.get(sel.key);
    if (b) return b;
    if (sel.requirements.length === 0) b = selectable;
    else {
      const ranges: (readonly [number, number])[] = [];
      for (const ns of candidates(sel)) {
        if (!selectorMatches(sel, ns.labels)) continue;
        const r = namespaceRange.get(ns.name);
        if (r) ranges.push(r);
      }
      b = Bitset.fromRanges(ranges).and(selectable);
    }
    nsSelMemo.set(sel.key, b);
    return b;
  };
  return { classes, namespaceRange, selectable, podSelectorMatches, namespaceSelectorMatches, namespaceClasses };
}

/**
 * A list of small integers reused from pod to pod: cleared without freeing its storage and sorted in place
 * (Array.prototype.sort allocated a work array per call: 140 MB for 100k pods).
 */
class ScratchInts {
  readonly values: number[] = [];
  length = 0;

  clear(): void {
    this.length = 0;
  }

  push(v: number): void {
    this.values[this.length++] = v;
  }

  has(v: number): boolean {
    for (let i = 0; i < this.length; i++) if (this.values[i] === v) return true;
    return false;
  }

  /** Insertion sort: the lists are a few labels, ports or address atoms long. */
  sortAscending(): void {
    const a = this.values;
    for (let i = 1; i < this.length; i++) {
      const v = a[i]!;
      let j = i - 1;
      while (j >= 0 && a[j]! > v) {
        a[j + 1] = a[j]!;
        j--;
      }
      a[j + 1] = v;
    }
  }

  copy(): number[] {
    return this.values.slice(0, this.length);
  }
}

/**
 * The sorted keys of the workloads of a class's pods (usually one: pods of a class mostly belong to one
 * workload), one list shared by every class with the same ones (W3:
 * 100k classes of 10k workloads; a list and a key string per class were 20 MB of each analysis).
 */
function distinctWorkloads(pods: readonly PodModel[], shared: Map<string, readonly string[]>): readonly string[] {
  const first = { namespace: pods[0]!.namespace, ...pods[0]!.workload };
  let others: Set<string> | undefined;
  for (let i = 1; i < pods.length; i++) {
    if (!isPodOf(pods[i]!, first)) (others ??= new Set([podWorkloadKey(pods[0]!)])).add(podWorkloadKey(pods[i]!));
  }
  const keys = others ? [...others].sort() : [podWorkloadKey(pods[0]!)];
  const key = keys.join('\n');
  let list = shared.get(key);
  if (!list) shared.set(key, (list = keys));
  return list;
}
