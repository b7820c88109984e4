import { describe, expect, it } from 'vitest';
import {
  ALL_CONNECTIONS,
  connectionSetFromJson,
  connectionSetKey,
  connectionSetToJson,
  intersectConnectionSets,
  makeConnectionSet,
  unionConnectionSets,
} from '../../../../src/core/model/connection-set.js';

describe('connection sets', () => {
  it('normalises, unions and intersects per protocol', () => {
    const a = makeConnectionSet({ TCP: [[80, 80], [81, 90], [100, 200]] });
    const b = makeConnectionSet({ TCP: [[85, 150]], UDP: [[53, 53]] });
    expect(connectionSetKey(a)).toBe('TCP 80-90,100-200');
    expect(connectionSetKey(unionConnectionSets(a, b))).toBe('TCP 80-200;UDP 53');
    expect(connectionSetKey(intersectConnectionSets(a, b))).toBe('TCP 85-90,100-150');
    expect(connectionSetKey(intersectConnectionSets(a, makeConnectionSet({ UDP: [[1, 65535]] })))).toBe('No Connections');
  });
  it('round-trips the JSON contract form', () => {
    const c = makeConnectionSet({ TCP: [[80, 80], [8000, 8080]], UDP: [[53, 53]] });
    expect(connectionSetToJson(c)).toEqual({ TCP: [80, '8000-8080'], UDP: [53] });
    expect(connectionSetToJson(ALL_CONNECTIONS)).toBe('All Connections');
    expect(connectionSetKey(connectionSetFromJson(connectionSetToJson(c)))).toBe(connectionSetKey(c));
    expect(connectionSetFromJson({ TCP: [[9000, 9010]] })).toEqual({ TCP: [[9000, 9010]] });
  });
});
