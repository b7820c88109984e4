/** Which external addresses count as "the internet": everything outside private, shared and special ranges. */
import { parseCidr, type AddressRange, type Cidr } from '../model/ip-address.js';

const NON_PUBLIC = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4',
  '::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8',
].map((c) => parseCidr(c) as Cidr);

/** Parts of a range that are public internet addresses. */
export function publicParts(r: AddressRange): AddressRange[] {
  let parts: AddressRange[] = [r];
  for (const np of NON_PUBLIC) {
    if (np.family !== r.family) continue;
    const next: AddressRange[] = [];
    for (const p of parts) {
      if (np.end < p.start || np.start > p.end) {
        next.push(p);
        continue;
      }
      if (p.start < np.start) next.push({ family: p.family, start: p.start, end: np.start - 1n });
      if (p.end > np.end) next.push({ family: p.family, start: np.end + 1n, end: p.end });
    }
    parts = next;
  }
  return parts;
}

export function isAnyAddress(c: Cidr): boolean {
  return c.prefix === 0;
}
