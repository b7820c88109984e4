/**
 * The ports of reach blocks (docs/factorised-engine.md). A rule's ports on a destination are its numbered
 * ports plus what its named entries mean on that destination, less what an admin tier took out; the named
 * part depends only on the entries' names and the destination's bindings. Rules are numbered by port spec
 * (their ports by content: W3 at 100k pods has ~140 specs over ~10,000 rules), and whether a block connects a
 * destination — both rules leave a common port there — is decided once per pair of specs and distinct
 * bindings (W3: 18,153), then read per destination.
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

export class BlockPorts {
  private readonly specIds = new Map<string, number>();
  private readonly specs: PortSpec[] = [];
  private readonly specOfRule = new WeakMap<ReachRule, number>();
  /** Per egress spec, then ingress spec: per dense bindings number, whether they connect (-1: not known yet). */
  private verdicts: (Int8Array | undefined)[][] = [];
  /** Per egress spec, then ingress spec: the ports both leave, per dense bindings number (-1: not known yet). */
  private pairPorts: (Int32Array | undefined)[][] = [];
  /** What a name list means per bindings id (a class's namedPortsId), by names key. */
  private readonly namedMemo = new Map<string, Map<number, PortSetId>>();
  private bindingIndex: { of: Int32Array; count: number } | undefined;

  constructor(private readonly base: PolicyAnalysis) {}

  /** The ports a rule allows on destination class y. */
  portsOn(rule: ReachRule, y: number): PortSetId {
    const spec = this.specs[this.specOf(rule)]!;
    const c = this.base.classes[y]!;
    return this.resolve(spec, this.namedOn(spec, c.namedPortsId, y));
  }

  /**
   * Whether a block of rules with these port specs (specOf) connects every destination (true), none (false),
   * or depends on the destination's bindings (undefined).
   */
  private connectsAll(e: number, i: number): boolean | undefined {
    const es = this.specs[e]!;
    const is = this.specs[i]!;
    if (es.names.length || is.names.length) return undefined;
    const space = this.base.compiler.ports;
    return space.bits(this.resolve(es, space.none)).intersects(space.bits(this.resolve(is, space.none)));
  }

  /** Whether both specs leave a common port on destination class y (memoised per spec pair and bindings). */
  private connects(e: number, i: number, y: number): boolean {
    const index = this.denseBindings();
    const b = index.of[y]!;
    const row = (this.verdicts[e] ??= []);
    const cached = (row[i] ??= new Int8Array(index.count).fill(-1));
    let v = cached[b]!;
    if (v < 0) {
      const space = this.base.compiler.ports;
      const es = this.specs[e]!;
      const is = this.specs[i]!;
      const bindings = this.base.classes[y]!.namedPortsId;
      v = space.bits(this.resolve(es, this.namedOn(es, bindings, y))).intersects(space.bits(this.resolve(is, this.namedOn(is, bindings, y)))) ? 1 : 0;
      cached[b] = v;
    }
    return v === 1;
  }

  /**
   * The ports a block of rules with these specs (specOf) leaves on destination class y: what both rules allow
   * there (memoised per spec pair and distinct bindings; one value for all when neither rule names a port).
   */
  blockPortsOn(e: number, i: number, y: number): PortSetId {
    const table = this.portsTable(e, i);
    const b = table.length === 1 ? 0 : this.bindingNumbers[y]!;
    const p = table[b]!;
    return p >= 0 ? p : this.fillPorts(e, i, y, table, b);
  }

  /**
   * blockPortsOn's memo for one spec pair, for loops over many destinations: the ports by dense bindings number
   * (bindingNumbers[y]; a table of one entry holds the ports of every destination), -1 where not known yet
   * (fillPorts computes and stores them).
   */
  portsTable(e: number, i: number): Int32Array {
    const row = (this.pairPorts[e] ??= []);
    let table = row[i];
    if (!table) {
      const named = this.specs[e]!.names.length > 0 || this.specs[i]!.names.length > 0;
      row[i] = table = new Int32Array(named ? this.denseBindings().count : 1).fill(-1);
    }
    return table;
  }

  /**
   * Drops the per-pair memo tables (the verdicts and portsTable's): for a caller done with its loops over
   * many destinations (W3's block diff: ~37 MB a side); they are rebuilt on demand.
   */
  forgetTables(): void {
    this.verdicts = [];
    this.pairPorts = [];
  }

  /** Per class, the dense number of its bindings (classes with equal numbers resolve every port name alike). */
  get bindingNumbers(): Int32Array {
    return this.denseBindings().of;
  }

  fillPorts(e: number, i: number, y: number, table: Int32Array, b: number): PortSetId {
    const es = this.specs[e]!;
    const is = this.specs[i]!;
    const bindings = this.base.classes[y]!.namedPortsId;
    const p = this.base.compiler.ports.intersect(this.resolve(es, this.namedOn(es, bindings, y)), this.resolve(is, this.namedOn(is, bindings, y)));
    table[b] = p;
    return p;
  }

  private denseBindings(): { of: Int32Array; count: number } {
    return (this.bindingIndex ??= this.indexBindings());
  }

  /** The destinations of `candidates` that a block of rules with these specs connects (the same set when all). */
  connectedAmong(e: number, i: number, candidates: Bitset): Bitset {
    const all = this.connectsAll(e, i);
    if (all !== undefined) return all ? candidates : Bitset.EMPTY;
    let kept: number[] | undefined;
    let dropped = false;
    candidates.forEach((y) => {
      if (this.connects(e, i, y)) kept?.push(y);
      else if (!dropped) {
        dropped = true;
        kept = [];
        // the ones before y were all connected
        for (let c = candidates.nextSetBit(0); c < y; c = candidates.nextSetBit(c + 1)) kept.push(c);
      }
    });
    return kept ? Bitset.fromIndexes(kept) : candidates;
  }

  /** The number of a rule's port spec (rules whose ports are equal by content share one). */
  specOf(rule: ReachRule): number {
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

  /** A dense number per distinct bindings id, per class. */
  private indexBindings(): { of: Int32Array; count: number } {
    const dense = new Map<number, number>();
    const of = new Int32Array(this.base.classes.length);
    for (const c of this.base.classes) {
      let d = dense.get(c.namedPortsId);
      if (d === undefined) dense.set(c.namedPortsId, (d = dense.size));
      of[c.id] = d;
    }
    return { of, count: dense.size };
  }
}
