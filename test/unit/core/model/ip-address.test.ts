import { describe, expect, it } from 'vitest';
import { formatIp, formatRange, mergeRanges, parseCidr, parseIp } from '../../../../src/core/model/ip-address.js';

describe('IP addresses and CIDRs', () => {
  it('parses IPv4 and IPv6 (compressed, full, embedded IPv4) and rejects garbage', () => {
    expect(parseIp('10.1.2.3')).toEqual({ family: 4, value: 0x0a010203n });
    expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('2001:db8::ff00:42:8329')?.value).toBe(0x20010db8000000000000ff0000428329n);
    expect(parseIp('::ffff:10.0.0.1')?.value).toBe(0xffff0a000001n);
    for (const bad of ['10.0.0.256', '1.2.3', 'a::b::c', 'hello', '1:2:3:4:5:6:7:8:9']) expect(parseIp(bad)).toBeUndefined();
  });
  it('masks host bits like Go net.ParseCIDR and reports bad CIDRs as text', () => {
    const c = parseCidr('10.244.1.5/16');
    expect(typeof c !== 'string' && c.text).toBe('10.244.0.0/16');
    expect(parseCidr('10.0.0.0/33')).toMatch(/prefix length 33/);
    expect(parseCidr('10.0.0.0')).toMatch(/not a CIDR/);
    const v6 = parseCidr('2001:db8::1/32');
    expect(typeof v6 !== 'string' && v6.text).toBe('2001:db8::/32');
  });
  it('formats ranges as a CIDR when exact and first-last otherwise, and IPv6 per RFC 5952', () => {
    expect(formatRange({ family: 4, start: 0n, end: 0xffffffffn })).toBe('0.0.0.0/0');
    expect(formatRange({ family: 4, start: 0x0a000000n, end: 0x0a000002n })).toBe('10.0.0.0-10.0.0.2');
    expect(formatIp(6, 0x20010db8000000000000000000000001n)).toBe('2001:db8::1');
    expect(formatIp(6, 0n)).toBe('::');
  });
  it('merges touching and overlapping ranges per family', () => {
    expect(mergeRanges([
      { family: 4, start: 10n, end: 20n },
      { family: 4, start: 21n, end: 30n },
      { family: 6, start: 1n, end: 2n },
      { family: 4, start: 5n, end: 12n },
    ])).toEqual([{ family: 4, start: 5n, end: 30n }, { family: 6, start: 1n, end: 2n }]);
  });
});
