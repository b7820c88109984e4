/**
 * Connectivity diff between two workload connectivity listings: pairs added, removed or changed, and
 * external ranges whose allowed connections changed (aligned on the union of both address splits and
 * merged back into maximal ranges). This is the simple reference; analysis-diff.ts gives the same result
 * without ever listing every pair, and is what the product uses.
 */
import {
  connectionSetKey,
  isEmptyConnectionSet,
  type ConnectionSet,
} from '../model/connection-set.js';
import type { AddressRange, IpFamily } from '../model/ip-address.js';
import { formatRange } from '../model/ip-address.js';
import type { AllowMap } from '../engine/allow-map.js';
import type { PolicyAnalysis } from '../engine/analyse-cluster.js';
import type { WorkloadConnectivity } from '../engine/workload-connectivity.js';

export type ChangeType = 'added' | 'removed' | 'changed';

export interface ConnectivityChange {
  readonly type: ChangeType;
  /** Workload key or external range text. */
  readonly src: string;
  readonly dst: string;
  readonly before: ConnectionSet | null;
  readonly after: ConnectionSet | null;
  /** Set when the change comes from a workload that exists on one side only. */
  readonly workloadChange?: { readonly workload: string; readonly change: 'added' | 'removed' };
}

export function classify(before: ConnectionSet | null, after: ConnectionSet | null): ChangeType | undefined {
  const b = before && !isEmptyConnectionSet(before) ? before : null;
  const a = after && !isEmptyConnectionSet(after) ? after : null;
  if (!b && !a) return undefined;
  if (!b) return 'added';
  if (!a) return 'removed';
  return connectionSetKey(b) === connectionSetKey(a) ? undefined : 'changed';
}

export interface RangePiece {
  readonly range: AddressRange;
  readonly conns: ConnectionSet;
}

/** Aligns two lists of disjoint ranges and yields maximal ranges where the connections differ. */
export function diffRanges(before: readonly RangePiece[], after: readonly RangePiece[]): { range: AddressRange; before: ConnectionSet | null; after: ConnectionSet | null }[] {
  const out: { range: AddressRange; before: ConnectionSet | null; after: ConnectionSet | null }[] = [];
  for (const family of [4, 6] as IpFamily[]) {
    const b = before.filter((p) => p.range.family === family);
    const a = after.filter((p) => p.range.family === family);
    if (!b.length && !a.length) continue;
    const cuts = new Set<bigint>();
    for (const p of [...b, ...a]) {
      cuts.add(p.range.start);
      cuts.add(p.range.end + 1n);
    }
    const points = [...cuts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const find = (list: readonly RangePiece[], x: bigint) => list.find((p) => p.range.start <= x && x <= p.range.end)?.conns ?? null;
    for (let i = 0; i + 1 < points.length; i++) {
      const start = points[i]!;
      const end = points[i + 1]! - 1n;
      const cb = find(b, start);
      const ca = find(a, start);
      if (!classify(cb, ca)) continue;
      const last = out[out.length - 1];
      const same = (x: ConnectionSet | null, y: ConnectionSet | null) => (x ? connectionSetKey(x) : '') === (y ? connectionSetKey(y) : '');
      if (last && last.range.family === family && last.range.end + 1n === start && same(last.before, cb) && same(last.after, ca)) {
        out[out.length - 1] = { ...last, range: { family, start: last.range.start, end } };
      } else out.push({ range: { family, start, end }, before: cb, after: ca });
    }
  }
  return out;
}

/** Tells which workload, if either, exists on one side only (the first of the pair checked first). */
export type WorkloadChangeOf = (src: string, dst: string) => ConnectivityChange['workloadChange'];

export function workloadChangeOf(before: { has(w: string): boolean }, after: { has(w: string): boolean }): WorkloadChangeOf {
  return (src, dst) => {
    for (const w of [src, dst]) {
      if (!before.has(w) && after.has(w)) return { workload: w, change: 'added' };
      if (before.has(w) && !after.has(w)) return { workload: w, change: 'removed' };
    }
    return undefined;
  };
}

/** The changes of one workload's external connections in one direction, as maximal ranges. */
export function externalChanges(workload: string, direction: 'egress' | 'ingress', before: readonly RangePiece[], after: readonly RangePiece[], workloadChange: WorkloadChangeOf): ConnectivityChange[] {
  const out: ConnectivityChange[] = [];
  if (sameRanges(before, after)) return out;
  for (const d of diffRanges(before, after)) {
    const type = classify(d.before, d.after)!;
    const range = formatRange(d.range);
    const [src, dst] = direction === 'egress' ? [workload, range] : [range, workload];
    const wc = workloadChange(workload, workload);
    out.push({ type, src, dst, before: d.before, after: d.after, ...(wc ? { workloadChange: wc } : {}) });
  }
  return out;
}

function sameRanges(a: readonly RangePiece[], b: readonly RangePiece[]): boolean {
  if (a.length !== b.length) return false;
  const key = (p: RangePiece) => `${p.range.family}:${p.range.start}-${p.range.end}=${connectionSetKey(p.conns)}`;
  const ka = a.map(key).sort();
  const kb = b.map(key).sort();
  return ka.every((k, i) => k === kb[i]);
}

/** An external allow map (address atoms only) as disjoint ranges with their connections. */
export function rangePieces(base: PolicyAnalysis, external: AllowMap): RangePiece[] {
  const out: RangePiece[] = [];
  for (const seg of external.segments) {
    const conns = base.ports.toConnectionSet(seg.ports);
    for (const range of base.addresses.toRanges(seg.peers, base.classes.length)) out.push({ range, conns });
  }
  return out;
}

/** Changes in the order every diff lists them: by source, then destination. */
export function byPair(x: ConnectivityChange, y: ConnectivityChange): number {
  return x.src < y.src ? -1 : x.src > y.src ? 1 : x.dst < y.dst ? -1 : x.dst > y.dst ? 1 : 0;
}

export function diffConnectivity(before: WorkloadConnectivity, after: WorkloadConnectivity): ConnectivityChange[] {
  const changes: ConnectivityChange[] = [];
  const workloadChange = workloadChangeOf(new Set(before.workloads), new Set(after.workloads));
  const pairs = new Map<string, { src: string; dst: string; before: ConnectionSet | null; after: ConnectionSet | null }>();
  for (const c of before.connections) pairs.set(`${c.src}\u0000${c.dst}`, { src: c.src, dst: c.dst, before: c.conns, after: null });
  for (const c of after.connections) {
    const k = `${c.src}\u0000${c.dst}`;
    const e = pairs.get(k);
    if (e) e.after = c.conns;
    else pairs.set(k, { src: c.src, dst: c.dst, before: null, after: c.conns });
  }
  for (const p of pairs.values()) {
    const type = classify(p.before, p.after);
    if (!type) continue;
    const wc = workloadChange(p.src, p.dst);
    changes.push({ type, src: p.src, dst: p.dst, before: p.before, after: p.after, ...(wc ? { workloadChange: wc } : {}) });
  }
  const group = (conn: WorkloadConnectivity) => {
    const m = new Map<string, RangePiece[]>();
    for (const e of conn.external) {
      const k = `${e.workload}\u0000${e.direction}`;
      const list = m.get(k);
      if (list) list.push({ range: e.range, conns: e.conns });
      else m.set(k, [{ range: e.range, conns: e.conns }]);
    }
    return m;
  };
  const eb = group(before);
  const ea = group(after);
  for (const k of new Set([...eb.keys(), ...ea.keys()])) {
    const [workload, direction] = k.split('\u0000') as [string, 'egress' | 'ingress'];
    changes.push(...externalChanges(workload, direction, eb.get(k) ?? [], ea.get(k) ?? [], workloadChange));
  }
  return changes.sort(byPair);
}
