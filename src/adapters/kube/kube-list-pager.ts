/**
 * Pages through a Kubernetes list (limit/continue) and slims each item as its page arrives, so only one page
 * of full objects is ever in memory. A continue token that expired (HTTP 410) restarts the list from the
 * beginning, as client-go's pager does; the items of the abandoned pass are dropped.
 */
import { isHttpStatus } from './kube-call-policy.js';

export interface ListPageRequest {
  readonly limit: number;
  readonly continueToken?: string;
}

export interface ListPage<T> {
  readonly items: readonly T[];
  /** Empty or absent on the last page. */
  readonly continueToken?: string;
}

export interface PagerOptions {
  readonly pageSize: number;
  /** How often an expired list may be restarted before giving up. */
  readonly maxRestarts?: number;
  /** Awaited before each page is requested (1-based page number within the current pass). */
  readonly beforePage?: (page: number) => Promise<void> | void;
  /** After each page: pages and slim items so far (in this pass). */
  readonly onPage?: (page: number, itemsSoFar: number) => void;
}

export interface PagedList<S> {
  readonly items: S[];
  /** Requests made, restarts included. */
  readonly requests: number;
  readonly restarts: number;
}

/** The list kept expiring while it was paged (continue tokens live about 5 minutes on a default apiserver). */
export class ListExpiredError extends Error {
  constructor(readonly restarts: number) {
    super(`the list expired ${restarts + 1} times while paging through it (HTTP 410: continue token too old)`);
    this.name = 'ListExpiredError';
  }
}

export const DEFAULT_MAX_RESTARTS = 3;

/**
 * `fetchPage` makes one request (with its own timeout/retries) and throws on failure; `slim` keeps what is
 * needed of one item, or undefined to drop it.
 */
export async function listAllPages<R, S>(
  fetchPage: (req: ListPageRequest) => Promise<ListPage<R>>,
  slim: (item: R) => S | undefined,
  opts: PagerOptions,
): Promise<PagedList<S>> {
  if (!Number.isInteger(opts.pageSize) || opts.pageSize < 1) throw new RangeError(`page size must be a positive integer, got ${opts.pageSize}`);
  const maxRestarts = opts.maxRestarts ?? DEFAULT_MAX_RESTARTS;
  let requests = 0;
  for (let restarts = 0; ; restarts++) {
    const items: S[] = [];
    let continueToken: string | undefined;
    let page = 0;
    try {
      do {
        page++;
        await opts.beforePage?.(page);
        requests++;
        const result = await fetchPage({ limit: opts.pageSize, ...(continueToken ? { continueToken } : {}) });
        for (const item of result.items) {
          const s = slim(item);
          if (s !== undefined) items.push(s);
        }
        continueToken = result.continueToken || undefined;
        opts.onPage?.(page, items.length);
      } while (continueToken);
      return { items, requests, restarts };
    } catch (err) {
      // only a continued request can expire; a 410 on the first page is an answer like any other
      if (!(page > 1 && isHttpStatus(err, 410))) throw err;
      if (restarts >= maxRestarts) throw new ListExpiredError(restarts);
    }
  }
}
