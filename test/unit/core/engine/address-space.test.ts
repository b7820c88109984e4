/** Address atoms merged back into ranges: run by run, as merging atom by atom would (families kept apart). */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/bench/synthetic-cluster.js';
import { AddressSpace } from '../../../../src/core/engine/address-space.js';
import { Bitset } from '../../../../src/core/engine/bitset.js';
import { parseCidr, type AddressRange, type Cidr } from '../../../../src/core/model/ip-address.js';

/** The reference: atom by atom, extending the last range while atoms are consecutive and of one family. */
function atomByAtom(space: AddressSpace, bits: Bitset, shift: number): AddressRange[] {
  const out: AddressRange[] = [];
  let prev = -2;
  bits.forEach((g) => {
    const i = g - shift;
    if (i < 0 || i >= space.atomCount) return;
    const r = space.atomRange(i);
    const last = out[out.length - 1];
    if (last && prev === i - 1 && last.family === r.family) out[out.length - 1] = { ...last, end: r.end };
    else out.push(r);
    prev = i;
  });
  return out;
}

describe('AddressSpace.toRanges', () => {
  it('merges consecutive atoms into maximal ranges, never across families, whatever the shift', () => {
    const cidrs = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '192.168.0.0/16', '172.16.0.0/12', '8.8.8.8/32', '255.255.255.0/24', 'fd00::/8', '2001:db8::/32', '::/1']
      .map((c) => parseCidr(c) as Cidr);
    const space = new AddressSpace([4, 6], cidrs);
    const n = space.atomCount;
    expect(n).toBeGreaterThan(15);
    const rng = new Rng(3);
    const rand = (k: number) => rng.int(k);
    let crossFamily = 0;
    for (let round = 0; round < 300; round++) {
      const shift = [0, 5, 37, 100_000][rand(4)]!;
      const ids: number[] = [];
      for (let k = rand(5); k > 0; k--) {
        const from = rand(n);
        for (let i = from; i < Math.min(n, from + rand(n)); i++) ids.push(i + shift);
      }
      // bits outside the atoms are ignored
      if (rand(3) === 0) ids.push(shift + n, shift + n + 40);
      if (shift > 0 && rand(3) === 0) ids.push(shift - 1);
      const bits = Bitset.fromIndexes(ids);
      const expected = atomByAtom(space, bits, shift);
      expect(space.toRanges(bits, shift), `round ${round}`).toEqual(expected);
      if (new Set(expected.map((r) => r.family)).size === 2) crossFamily++;
    }
    expect(crossFamily).toBeGreaterThan(20);
    expect(space.toRanges(space.all(7), 7)).toEqual([
      { family: 4, start: 0n, end: 2n ** 32n - 1n },
      { family: 6, start: 0n, end: 2n ** 128n - 1n },
    ]);
  });
});
