/**
 * The ports of reach blocks (docs/factorised-engine.md). A rule's ports on a destination are its numbered
 * ports plus what its named entries mean on that destination, less what an admin tier took out; the named
 * part depends only on the entries' names and the destination's bindings. So bindings are projected onto the
 * names a pair of rules uses (W3 at 100k pods: 18,153 distinct bindings, a few hundred projections), and the
 * destinations a block connects — the classes on which both of its rules leave a port — are one class set per
 * pair of port specs, shared by every block of such rules: a block's connected destinations are one AND.
 */
import { Bitset } from './bitset.js';
import type { PolicyAnalysis } from './analyse-cluster.js';
import type { PortSetId } from './port-space.js';
import type { ReachRule } from './reach-blocks.js';
import { portKey } from './rule-compiler.js';
import type { PolicyPort } from '../model/policy-port.js';

type NamedEntry = Extract<PolicyPort, { kind: 'named' }>;

/** A rule's ports by content: every port, or numbered ports plus named entries, less `minus`. */
interface PortSpec {
  readonly all: boolean;
  readonly numeric: PortSetId;
  readonly names: readonly NamedEntry[];
  /** The named entries as text ('' for none): specs with equal names resolve them alike. */
  readonly namesKey: string;
  readonly minus: PortSetId;
  /** Resolved ports by what the names mean. */
  readonly resolved: Map<PortSetId, PortSetId>;
}

/** Destination classes grouped by what two name lists mean on them. */
interface Projection {
  readonly named: readonly (readonly [PortSetId, PortSetId])[];
  readonly classes: readonly (readonly number[])[];
}

export class BlockPorts {
  private readonly specIds = new Map<string, number>();
  private readonly specs: PortSpec[] = [];
  private readonly specOfRule = new WeakMap<ReachRule, number>();
  private readonly connecting = new Map<number, Bitset>();
  /** What a name list means per bindings id (a class's namedPortsId), by names key. */
  private readonly namedMemo = new Map<string, Map<number, PortSetId>>();
  private readonly projections = new Map<string, Projection>();
  /** Per bindings id, the classes that have those bindings (built on first use). */
  private bindingGroups: Map<number, number[]> | undefined;

  constructor(private readonly base: PolicyAnalysis) {}

  /** The ports a rule allows on destination class y. */
  portsOn(rule: ReachRule, y: number): PortSetId {
    const spec = this.specs[this.specOf(rule)]!;
    const c = this.base.classes[y]!;
    return this.resolve(spec, this.namedOn(spec, c.namedPortsId, y));
  }

  /** Classes on which both rules leave a common port: the destinations a block of the two rules connects. */
  connectingClasses(egress: ReachRule, ingress: ReachRule): Bitset {
    const e = this.specOf(egress);
    const i = this.specOf(ingress);
    const key = e * 2 ** 24 + i;
    let set = this.connecting.get(key);
    if (set) return set;
    const space = this.base.compiler.ports;
    const es = this.specs[e]!;
    const is = this.specs[i]!;
    if (!es.names.length && !is.names.length) {
      // the same ports on every destination
      set = space.intersect(this.resolve(es, space.none), this.resolve(is, space.none)) === space.none ? Bitset.EMPTY : this.base.compiler.allClasses;
    } else {
      const p = this.projection(es, is);
      const members: number[] = [];
      p.named.forEach(([a, b], g) => {
        if (!space.bits(this.resolve(es, a)).intersects(space.bits(this.resolve(is, b)))) return;
        for (const c of p.classes[g]!) members.push(c);
      });
      set = Bitset.fromIndexes(members);
    }
    this.connecting.set(key, set);
    return set;
  }

  private specOf(rule: ReachRule): number {
    let id = this.specOfRule.get(rule);
    if (id !== undefined) return id;
    const { ports, minus } = rule;
    const text = ports === null ? 'all' : typeof ports === 'number' ? `set:${ports}` : ports.map(portKey).join(',');
    const key = `${text}|${minus}`;
    id = this.specIds.get(key);
    if (id === undefined) {
      id = this.specs.length;
      this.specIds.set(key, id);
      const space = this.base.compiler.ports;
      const names = ports === null || typeof ports === 'number' ? [] : ports.filter((p): p is NamedEntry => p.kind === 'named');
      this.specs.push({
        all: ports === null,
        numeric: ports === null ? space.all : typeof ports === 'number' ? ports : this.base.compiler.numericPorts(ports),
        names,
        namesKey: names.map(portKey).sort().join(','),
        minus,
        resolved: new Map(),
      });
    }
    this.specOfRule.set(rule, id);
    return id;
  }

  /** A spec's ports, given what its names mean on the destination (memoised per spec and meaning). */
  private resolve(spec: PortSpec, named: PortSetId): PortSetId {
    const space = this.base.compiler.ports;
    if (spec.minus === space.none && (spec.all || named === space.none)) return spec.numeric;
    let id = spec.resolved.get(named);
    if (id === undefined) {
      const ports = spec.all || named === space.none ? spec.numeric : space.union(spec.numeric, named);
      id = spec.minus === space.none ? ports : space.subtract(ports, spec.minus);
      spec.resolved.set(named, id);
    }
    return id;
  }

  /** What a spec's named entries mean on classes with a bindings id (`y` is one of them). */
  private namedOn(spec: PortSpec, bindings: number, y: number): PortSetId {
    const { compiler, classes } = this.base;
    if (!spec.names.length) return compiler.ports.none;
    let memo = this.namedMemo.get(spec.namesKey);
    if (!memo) this.namedMemo.set(spec.namesKey, (memo = new Map()));
    let id = memo.get(bindings);
    if (id === undefined) {
      id = compiler.ports.none;
      const named = classes[y]!.namedPorts;
      for (const p of spec.names) id = compiler.ports.union(id, compiler.namedPortsOn(p, named.get(p.name)));
      memo.set(bindings, id);
    }
    return id;
  }

  /** Classes grouped by what two specs' names mean on them (memoised per pair of name lists). */
  private projection(a: PortSpec, b: PortSpec): Projection {
    const key = `${a.namesKey}|${b.namesKey}`;
    let p = this.projections.get(key);
    if (p) return p;
    const groups = new Map<number, { named: readonly [PortSetId, PortSetId]; classes: number[] }>();
    for (const [bindings, ids] of this.classesByBindings()) {
      const x = this.namedOn(a, bindings, ids[0]!);
      const y = this.namedOn(b, bindings, ids[0]!);
      const k = x * 2 ** 26 + y;
      const g = groups.get(k);
      if (g) for (const c of ids) g.classes.push(c);
      else groups.set(k, { named: [x, y], classes: [...ids] });
    }
    p = { named: [...groups.values()].map((g) => g.named), classes: [...groups.values()].map((g) => g.classes) };
    this.projections.set(key, p);
    return p;
  }

  private classesByBindings(): Map<number, number[]> {
    if (this.bindingGroups) return this.bindingGroups;
    const groups = new Map<number, number[]>();
    for (const c of this.base.classes) {
      const list = groups.get(c.namedPortsId);
      if (list) list.push(c.id);
      else groups.set(c.namedPortsId, [c.id]);
    }
    return (this.bindingGroups = groups);
  }
}
