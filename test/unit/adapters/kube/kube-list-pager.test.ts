import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeCallError } from '../../../../src/adapters/kube/kube-call-policy.js';
import { listAllPages, ListExpiredError, type ListPageRequest } from '../../../../src/adapters/kube/kube-list-pager.js';

/** A fake list endpoint over `n` numbered items honouring limit/continue; `expireOn` makes those requests 410. */
function fakeList(n: number, expireOn: (req: ListPageRequest, call: number) => boolean = () => false) {
  const requests: ListPageRequest[] = [];
  const fetch = async (req: ListPageRequest) => {
    requests.push(req);
    if (expireOn(req, requests.length)) throw new KubeCallError({ kind: 'http', status: 410, reason: 'Expired' }, 1);
    const start = req.continueToken ? Number(req.continueToken.slice(1)) : 0;
    const items = Array.from({ length: Math.min(req.limit, n - start) }, (_, i) => ({ i: start + i, bulk: 'x'.repeat(100) }));
    const end = start + items.length;
    return { items, ...(end < n ? { continueToken: `c${end}` } : {}) };
  };
  return { fetch, requests };
}

describe('listAllPages', () => {
  it('pages with limit/continue until no token, slimming each item', async () => {
    const f = fakeList(12);
    const r = await listAllPages(f.fetch, (x) => x.i, { pageSize: 5 });
    expect(r.items).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(f.requests).toEqual([{ limit: 5 }, { limit: 5, continueToken: 'c5' }, { limit: 5, continueToken: 'c10' }]);
    expect([r.requests, r.restarts]).toEqual([3, 0]);
  });

  it('drops items the slimmer rejects', async () => {
    const r = await listAllPages(fakeList(10).fetch, (x) => (x.i % 2 ? undefined : x.i), { pageSize: 3 });
    expect(r.items).toEqual([0, 2, 4, 6, 8]);
  });

  it('awaits beforePage and reports onPage', async () => {
    const events: string[] = [];
    await listAllPages(fakeList(7).fetch, (x) => x.i, {
      pageSize: 3,
      beforePage: async (p) => {
        await new Promise((r) => setTimeout(r, 1));
        events.push(`before ${p}`);
      },
      onPage: (p, n) => events.push(`page ${p}: ${n}`),
    });
    expect(events).toEqual(['before 1', 'page 1: 3', 'before 2', 'page 2: 6', 'before 3', 'page 3: 7']);
  });

  it('restarts from the beginning when a continue token expired (410), without duplicates', async () => {
    const f = fakeList(12, (req, call) => call === 3 && req.continueToken !== undefined);
    const r = await listAllPages(f.fetch, (x) => x.i, { pageSize: 5 });
    expect(r.items).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(r.restarts).toBe(1);
    expect(f.requests.map((q) => q.continueToken ?? '-')).toEqual(['-', 'c5', 'c10', '-', 'c5', 'c10']);
  });

  it('gives up after maxRestarts', async () => {
    const f = fakeList(12, (req) => req.continueToken !== undefined);
    const err = await listAllPages(f.fetch, (x) => x.i, { pageSize: 5, maxRestarts: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListExpiredError);
    expect(f.requests).toHaveLength(6);
  });

  it('a 410 on the first page, and any other error, is passed through', async () => {
    const first = await listAllPages(fakeList(3, () => true).fetch, (x) => x, { pageSize: 5 }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(KubeCallError);
    const forbidden = new ApiException(403, 'x', '{}', {});
    const err = await listAllPages(async () => Promise.reject(forbidden), (x) => x, { pageSize: 5 }).catch((e: unknown) => e);
    expect(err).toBe(forbidden);
  });

  it('rejects a page size that is not a positive integer', async () => {
    await expect(listAllPages(fakeList(1).fetch, (x) => x, { pageSize: 0 })).rejects.toThrow(RangeError);
  });
});
