/**
 * Port sets of two analyses under one numbering, so rows computed in either analysis's port space compare
 * as numbers: 0 is "no connections", equal sets get equal numbers, unions are memoised.
 */
import type { PortSetId, PortSpace } from '../engine/port-space.js';
import { connectionSetKey, NO_CONNECTIONS, unionConnectionSets, type ConnectionSet } from '../model/connection-set.js';

export class CanonicalPorts {
  private readonly ids = new Map<string, number>([[connectionSetKey(NO_CONNECTIONS), 0]]);
  readonly sets: ConnectionSet[] = [NO_CONNECTIONS];
  private readonly unions = new Map<number, number>();

  private intern(c: ConnectionSet): number {
    const k = connectionSetKey(c);
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(c);
      this.ids.set(k, id);
    }
    return id;
  }

  /** A translator from one analysis's port-set ids (memoised by id: ids are small dense numbers). */
  from(space: PortSpace): (id: PortSetId) => number {
    const memo: number[] = [];
    return (id) => (memo[id] ??= id === space.none ? 0 : this.intern(space.toConnectionSet(id)));
  }

  union(a: number, b: number): number {
    if (a === b || b === 0) return a;
    if (a === 0) return b;
    const k = a < b ? a * 1_000_003 + b : b * 1_000_003 + a;
    let u = this.unions.get(k);
    if (u === undefined) this.unions.set(k, (u = this.intern(unionConnectionSets(this.sets[a]!, this.sets[b]!))));
    return u;
  }

  /** The connections of a canonical number (null for none). */
  conns(g: number): ConnectionSet | null {
    return g === 0 ? null : this.sets[g]!;
  }
}
