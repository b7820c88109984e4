/**
 * A set of (protocol, destination port) pairs: what a connection may carry. Value type used in results,
 * output and diffs (the engine itself works on interned port-atom bitsets, see engine/port-atoms.ts).
 */

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** Inclusive port interval. */
export type PortRange = readonly [number, number];

/** Sorted, merged, non-empty ranges per protocol; a protocol with no ports is absent. */
export type ConnectionSet = Readonly<Partial<Record<Protocol, readonly PortRange[]>>>;

export const NO_CONNECTIONS: ConnectionSet = Object.freeze({});
export const ALL_CONNECTIONS: ConnectionSet = Object.freeze({
  TCP: [[MIN_PORT, MAX_PORT]],
  UDP: [[MIN_PORT, MAX_PORT]],
  SCTP: [[MIN_PORT, MAX_PORT]],
});

export function normaliseRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function makeConnectionSet(parts: Partial<Record<Protocol, readonly PortRange[]>>): ConnectionSet {
  const out: Partial<Record<Protocol, PortRange[]>> = {};
  for (const p of PROTOCOLS) {
    const r = parts[p];
    if (r && r.length) out[p] = normaliseRanges(r);
  }
  return out;
}

export function isEmptyConnectionSet(c: ConnectionSet): boolean {
  return PROTOCOLS.every((p) => !c[p]?.length);
}

export function isAllConnections(c: ConnectionSet): boolean {
  return PROTOCOLS.every((p) => {
    const r = c[p];
    return r?.length === 1 && r[0]![0] === MIN_PORT && r[0]![1] === MAX_PORT;
  });
}

export function unionConnectionSets(a: ConnectionSet, b: ConnectionSet): ConnectionSet {
  const out: Partial<Record<Protocol, PortRange[]>> = {};
  for (const p of PROTOCOLS) {
    const r = [...(a[p] ?? []), ...(b[p] ?? [])];
    if (r.length) out[p] = normaliseRanges(r);
  }
  return out;
}

function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [a0, a1] = a[i]!;
    const [b0, b1] = b[j]!;
    const lo = Math.max(a0, b0);
    const hi = Math.min(a1, b1);
    if (lo <= hi) out.push([lo, hi]);
    if (a1 < b1) i++;
    else j++;
  }
  return out;
}

export function intersectConnectionSets(a: ConnectionSet, b: ConnectionSet): ConnectionSet {
  const out: Partial<Record<Protocol, PortRange[]>> = {};
  for (const p of PROTOCOLS) {
    const r = intersectRanges(a[p] ?? [], b[p] ?? []);
    if (r.length) out[p] = r;
  }
  return out;
}

export function connectionSetsEqual(a: ConnectionSet, b: ConnectionSet): boolean {
  return connectionSetKey(a) === connectionSetKey(b);
}

function rangeText([a, b]: PortRange): string {
  return a === b ? `${a}` : `${a}-${b}`;
}

/** Stable text, also used as a map key: `All Connections`, `No Connections` or `TCP 80,443;UDP 53`. */
export function connectionSetKey(c: ConnectionSet): string {
  if (isAllConnections(c)) return 'All Connections';
  if (isEmptyConnectionSet(c)) return 'No Connections';
  return PROTOCOLS.filter((p) => c[p]?.length)
    .map((p) => `${p} ${c[p]!.map(rangeText).join(',')}`)
    .join(';');
}

/** The readable form used in txt output (same as the key). */
export const formatConnectionSet = connectionSetKey;

/** JSON contract form: "All Connections" or {"TCP": [80, "8000-8080"], "UDP": [53]}. */
export function connectionSetToJson(c: ConnectionSet): string | Record<string, (number | string)[]> {
  if (isAllConnections(c)) return 'All Connections';
  const out: Record<string, (number | string)[]> = {};
  for (const p of PROTOCOLS) {
    const r = c[p];
    if (r?.length) out[p] = r.map(([a, b]) => (a === b ? a : `${a}-${b}`));
  }
  return out;
}

/** Parses the JSON contract form back (used when reading stored results and in tests). */
export function connectionSetFromJson(v: unknown): ConnectionSet {
  if (v === null || v === undefined) return NO_CONNECTIONS;
  if (typeof v === 'string') {
    if (/^all connections$/i.test(v.trim())) return ALL_CONNECTIONS;
    if (/^no connections$/i.test(v.trim())) return NO_CONNECTIONS;
    throw new Error(`cannot read connections "${v}"`);
  }
  if (typeof v !== 'object') throw new Error(`cannot read connections ${JSON.stringify(v)}`);
  const parts: Partial<Record<Protocol, PortRange[]>> = {};
  for (const [proto, items] of Object.entries(v as Record<string, unknown>)) {
    const p = proto.toUpperCase() as Protocol;
    if (!PROTOCOLS.includes(p) || !Array.isArray(items)) throw new Error(`cannot read connections for ${proto}`);
    parts[p] = items.map((it): PortRange => {
      if (typeof it === 'number') return [it, it];
      if (Array.isArray(it)) return [Number(it[0]), Number(it[1])];
      const m = String(it).match(/^(\d+)(?:-(\d+))?$/);
      if (!m) throw new Error(`cannot read port "${String(it)}"`);
      return [Number(m[1]), Number(m[2] ?? m[1])];
    });
  }
  return makeConnectionSet(parts);
}
