/** IPv4/IPv6 addresses as bigints, CIDR parsing (host bits masked, like Go's net.ParseCIDR) and range text. */

export type IpFamily = 4 | 6;

export interface AddressRange {
  readonly family: IpFamily;
  /** First address, inclusive. */
  readonly start: bigint;
  /** Last address, inclusive. */
  readonly end: bigint;
}

export const FAMILY_MAX: Record<IpFamily, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };
const FAMILY_BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

/** Dotted-quad IPv4 without regular expressions or allocation (pod IPs are parsed by the hundred thousand). */
export function parseIpv4Number(s: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46) {
      if (!digits || ++dots > 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else return undefined;
  }
  if (!digits || dots !== 3) return undefined;
  return value * 256 + octet;
}

export function parseIp(text: string): { family: IpFamily; value: bigint } | undefined {
  const quad = parseIpv4Number(text);
  if (quad !== undefined) return { family: 4, value: BigInt(quad) };
  const s = text.trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const parts = s.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { family: 4, value: parts.reduce((acc, p) => (acc << 8n) + BigInt(p), 0n) };
  }
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let head = s;
  let tailV4: bigint | undefined;
  // embedded IPv4 suffix, e.g. ::ffff:10.0.0.1
  const v4 = s.match(/^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/);
  if (v4) {
    const parsed = parseIp(v4[2] as string);
    if (!parsed) return undefined;
    tailV4 = parsed.value;
    head = (v4[1] as string).endsWith('::') ? (v4[1] as string) : (v4[1] as string).slice(0, -1);
  }
  const groupsWanted = tailV4 === undefined ? 8 : 6;
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const left = halves[0] ? (halves[0] as string).split(':') : [];
  const right = halves.length === 2 && halves[1] ? (halves[1] as string).split(':') : [];
  let groups: string[];
  if (halves.length === 2) {
    const fill = groupsWanted - left.length - right.length;
    if (fill < 1) return undefined;
    groups = [...left, ...Array<string>(fill).fill('0'), ...right];
  } else groups = left;
  if (groups.length !== groupsWanted || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  let value = groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
  if (tailV4 !== undefined) value = (value << 32n) + tailV4;
  return { family: 6, value };
}

export interface Cidr extends AddressRange {
  readonly prefix: number;
  /** Canonical text with host bits masked, e.g. `10.0.0.0/8`. */
  readonly text: string;
}

/** Parses `addr/len`; host bits are masked. Returns an error message instead of throwing. */
export function parseCidr(text: string): Cidr | string {
  const m = String(text).trim().match(/^([^/]+)\/(\d{1,3})$/);
  if (!m) return `"${text}" is not a CIDR (expected address/prefix-length, e.g. 10.0.0.0/8)`;
  const ip = parseIp(m[1] as string);
  if (!ip) return `"${text}" has an invalid IP address`;
  const prefix = Number(m[2]);
  const bits = FAMILY_BITS[ip.family];
  if (prefix > bits) return `"${text}" has prefix length ${prefix}, more than ${bits}`;
  const hostBits = BigInt(bits - prefix);
  const start = (ip.value >> hostBits) << hostBits;
  const end = start + (1n << hostBits) - 1n;
  return { family: ip.family, start, end, prefix, text: `${formatIp(ip.family, start)}/${prefix}` };
}

export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => Number((value >> s) & 255n)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (>= 2) of zero groups
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** A range as a CIDR when it is exactly one, otherwise `first-last`. */
export function formatRange(r: AddressRange): string {
  const size = r.end - r.start + 1n;
  if ((size & (size - 1n)) === 0n && r.start % size === 0n) {
    const hostBits = size.toString(2).length - 1;
    return `${formatIp(r.family, r.start)}/${FAMILY_BITS[r.family] - hostBits}`;
  }
  return `${formatIp(r.family, r.start)}-${formatIp(r.family, r.end)}`;
}

/** The whole address space of a family. */
export function familyRange(family: IpFamily): AddressRange {
  return { family, start: 0n, end: FAMILY_MAX[family] };
}

export function containsRange(outer: AddressRange, inner: AddressRange): boolean {
  return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
}

/** Sorts and merges touching or overlapping ranges (per family). */
export function mergeRanges(ranges: readonly AddressRange[]): AddressRange[] {
  const sorted = [...ranges].sort((a, b) => a.family - b.family || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: { family: IpFamily; start: bigint; end: bigint }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === r.family && r.start <= last.end + 1n) {
      if (r.end > last.end) last.end = r.end;
    } else out.push({ family: r.family, start: r.start, end: r.end });
  }
  return out;
}
