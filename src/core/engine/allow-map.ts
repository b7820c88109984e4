/**
 * A function from peer (pod class or external address atom) to the set of ports allowed with it, kept as a
 * few disjoint segments: each is a bitset of peers that all share one interned port set. Rules,
 * tiers and directions combine with set algebra on these maps, never per peer.
 */
import { Bitset } from './bitset.js';
import type { PortSetId, PortSpace } from './port-space.js';

export interface AllowSegment {
  readonly peers: Bitset;
  readonly ports: PortSetId;
}

export class AllowMap {
  private constructor(readonly segments: readonly AllowSegment[]) {}

  static readonly EMPTY = new AllowMap([]);

  /** Builds from pieces with pairwise disjoint peers; pieces with equal ports are merged. */
  static fromDisjoint(pieces: Iterable<AllowSegment>, space: PortSpace): AllowMap {
    const byPorts = new Map<PortSetId, Bitset[]>();
    for (const p of pieces) {
      if (p.ports === space.none || p.peers.isEmpty) continue;
      const list = byPorts.get(p.ports);
      if (list) list.push(p.peers);
      else byPorts.set(p.ports, [p.peers]);
    }
    if (byPorts.size === 0) return AllowMap.EMPTY;
    return new AllowMap([...byPorts].map(([ports, list]) => ({ peers: Bitset.union(list), ports })));
  }

  /**
   * The union of several maps (a policy's rules, a subject's policies). Peers allowed the same ports are
   * ORed in one pass first; when the resulting segments are disjoint (the usual case) that is the union,
   * without a pairwise combination that copies every segment at each step.
   */
  static unionAll(maps: readonly AllowMap[], space: PortSpace): AllowMap {
    if (maps.length === 0) return AllowMap.EMPTY;
    if (maps.length === 1) return maps[0]!;
    const byPorts = new Map<PortSetId, Bitset[]>();
    for (let i = 0; i < maps.length; i++) {
      const segments = maps[i]!.segments;
      for (let j = 0; j < segments.length; j++) {
        const seg = segments[j]!;
        const list = byPorts.get(seg.ports);
        if (list) list.push(seg.peers);
        else byPorts.set(seg.ports, [seg.peers]);
      }
    }
    const merged: AllowSegment[] = [];
    byPorts.forEach((list, ports) => merged.push({ peers: Bitset.union(list), ports }));
    if (merged.length <= 16) {
      let disjoint = true;
      for (let i = 0; i < merged.length && disjoint; i++) {
        for (let j = i + 1; j < merged.length; j++) {
          if (merged[i]!.peers.intersects(merged[j]!.peers)) {
            disjoint = false;
            break;
          }
        }
      }
      if (disjoint) return merged.length ? new AllowMap(merged) : AllowMap.EMPTY;
    }
    // overlapping, or too many port sets to compare pairwise: the pairwise union of the maps themselves
    // (segment by segment would redo a many-segment map once per segment)
    let m = AllowMap.EMPTY;
    for (const x of maps) m = m.union(x, space);
    return m;
  }

  static rect(peers: Bitset, ports: PortSetId, space: PortSpace): AllowMap {
    return peers.isEmpty || ports === space.none ? AllowMap.EMPTY : new AllowMap([{ peers, ports }]);
  }

  /** Builds from possibly overlapping pieces: overlapping peers get the union of their ports. */
  static unionOf(pieces: Iterable<AllowSegment>, space: PortSpace): AllowMap {
    let m = AllowMap.EMPTY;
    for (const p of pieces) m = m.union(AllowMap.rect(p.peers, p.ports, space), space);
    return m;
  }

  get isEmpty(): boolean {
    return this.segments.length === 0;
  }

  /** Whether every peer of `allPeers` is allowed every port (nothing is restricted). */
  isFull(allPeers: Bitset, space: PortSpace): boolean {
    return this.segments.length === 1 && this.segments[0]!.ports === space.all && this.segments[0]!.peers.equals(allPeers);
  }

  peers(): Bitset {
    let b = Bitset.EMPTY;
    for (const s of this.segments) b = b.or(s.peers);
    return b;
  }

  /** Ports allowed with one peer. */
  portsFor(peer: number, space: PortSpace): PortSetId {
    for (const s of this.segments) if (s.peers.has(peer)) return s.ports;
    return space.none;
  }

  union(o: AllowMap, space: PortSpace): AllowMap {
    if (o.isEmpty) return this;
    if (this.isEmpty) return o;
    return combine(this, o, space, (a, b) => (a === undefined ? b! : b === undefined ? a : space.union(a, b)));
  }

  intersect(o: AllowMap, space: PortSpace): AllowMap {
    if (o.isEmpty || this.isEmpty) return AllowMap.EMPTY;
    return combine(this, o, space, (a, b) => (a === undefined || b === undefined ? space.none : space.intersect(a, b)));
  }

  subtract(o: AllowMap, space: PortSpace): AllowMap {
    if (o.isEmpty || this.isEmpty) return this;
    return combine(this, o, space, (a, b) => (a === undefined ? space.none : b === undefined ? a : space.subtract(a, b)));
  }

  /** Keeps only the given peers. */
  restrict(peers: Bitset, space: PortSpace): AllowMap {
    const out: AllowSegment[] = [];
    for (const s of this.segments) {
      const p = s.peers.and(peers);
      if (!p.isEmpty) out.push({ peers: p, ports: s.ports });
    }
    return AllowMap.fromDisjoint(out, space);
  }

  equals(o: AllowMap): boolean {
    if (this.segments.length !== o.segments.length) return false;
    const mine = new Map(this.segments.map((s) => [s.ports, s.peers]));
    return o.segments.every((s) => mine.get(s.ports)?.equals(s.peers) ?? false);
  }

  /** Canonical text key (segments sorted by port id). */
  key(): string {
    return [...this.segments]
      .sort((a, b) => a.ports - b.ports)
      .map((s) => `${s.ports}=${s.peers.key()}`)
      .join('|');
  }
}

/** Pointwise combination: op(a's ports or undefined, b's ports or undefined) for every peer in either map. */
function combine(
  a: AllowMap,
  b: AllowMap,
  space: PortSpace,
  op: (x: PortSetId | undefined, y: PortSetId | undefined) => PortSetId,
): AllowMap {
  // many segments on both sides (named ports resolved per pod class): peer by peer is cheaper than
  // intersecting every pair of segments
  if (a.segments.length * b.segments.length > 256) return combineByPeer(a, b, space, op);
  const pieces: AllowSegment[] = [];
  const peersA = a.peers();
  const peersB = b.peers();
  for (const sa of a.segments) {
    const only = sa.peers.andNot(peersB);
    if (!only.isEmpty) pieces.push({ peers: only, ports: op(sa.ports, undefined) });
    for (const sb of b.segments) {
      const both = sa.peers.and(sb.peers);
      if (!both.isEmpty) pieces.push({ peers: both, ports: op(sa.ports, sb.ports) });
    }
  }
  for (const sb of b.segments) {
    const only = sb.peers.andNot(peersA);
    if (!only.isEmpty) pieces.push({ peers: only, ports: op(undefined, sb.ports) });
  }
  return AllowMap.fromDisjoint(pieces, space);
}

function combineByPeer(
  a: AllowMap,
  b: AllowMap,
  space: PortSpace,
  op: (x: PortSetId | undefined, y: PortSetId | undefined) => PortSetId,
): AllowMap {
  let lo = Infinity;
  let hi = 0;
  for (const s of [...a.segments, ...b.segments]) {
    lo = Math.min(lo, s.peers.offset * 32);
    hi = Math.max(hi, (s.peers.offset + s.peers.words.length) * 32);
  }
  const at = (m: AllowMap) => {
    const ports = new Int32Array(hi - lo).fill(-1);
    for (const s of m.segments) s.peers.forEach((i) => (ports[i - lo] = s.ports));
    return ports;
  };
  const pa = at(a);
  const pb = at(b);
  const byPorts = new Map<PortSetId, number[]>();
  const pairs = new Map<number, PortSetId>();
  for (let i = 0; i < pa.length; i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x < 0 && y < 0) continue;
    const k = (x + 1) * 67108864 + (y + 1);
    let r = pairs.get(k);
    if (r === undefined) pairs.set(k, (r = op(x < 0 ? undefined : x, y < 0 ? undefined : y)));
    if (r === space.none) continue;
    const list = byPorts.get(r);
    if (list) list.push(i + lo);
    else byPorts.set(r, [i + lo]);
  }
  return AllowMap.fromDisjoint(
    [...byPorts].map(([ports, list]) => ({ peers: Bitset.fromIndexes(list), ports })),
    space,
  );
}
