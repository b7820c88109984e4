/**
 * How commands reach the history store: `--store`, then $NETPOL_AUDIT_STORE, then the config, then the default
 * file; and how a `--snapshot REF` / `--from REF` becomes a stored snapshot.
 */
import { InvalidArgumentError } from 'commander';
import type { HistoryStore } from '../adapters/store/history-store.js';
import { openChosenHistoryStore } from '../adapters/store/open-history-store.js';
import { loadSnapshotByRef } from '../app/history/resolve-snapshot-ref.js';
import { policyCounts } from '../app/audit-snapshot.js';
import type { PreviousPeriodCounts } from '../core/findings/check.js';
import { periodBounds, periodContaining, previousPeriod } from '../core/report/report-period.js';
import type { Snapshot } from '../core/model/snapshot.js';
import type { CliContext } from './cli-context.js';
import type { Reporter } from './console-reporter.js';

export { addStoreOption, STORE_OPTION_HELP } from './common-options.js';

/** Opens the chosen store (--store, $NETPOL_AUDIT_STORE, the config's store, the default), runs `fn`, and closes it. */
export async function withHistoryStore<T>(ctx: Pick<CliContext, 'env' | 'loadConfig'>, opts: Record<string, unknown>, fn: (store: HistoryStore) => Promise<T>): Promise<T> {
  const option = opts['store'] as string | undefined;
  // the config is only read when neither the option nor the environment names a store
  const config = option || ctx.env['NETPOL_AUDIT_STORE'] ? undefined : (await ctx.loadConfig(opts)).store;
  const store = await openChosenHistoryStore({ option, env: ctx.env, ...(config ? { config } : {}) });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The CliContext's loadStoredSnapshot: resolves REF (with `--cluster`) in the chosen store and loads it. */
export function storedSnapshotLoader(ctx: Pick<CliContext, 'env' | 'loadConfig'>): CliContext['loadStoredSnapshot'] {
  return (opts, ref, reporter: Reporter) =>
    withHistoryStore(ctx, opts, async (store): Promise<Snapshot> => {
      const { meta, snapshot } = await loadSnapshotByRef(store, ref, opts['cluster'] as string | undefined);
      reporter.progress(`loaded snapshot ${meta.id} of ${meta.cluster}, taken at ${meta.takenAt}, from ${store.location}`);
      return snapshot;
    });
}

/** Commander parser for options that take a whole number of at least `min`. */
export function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number of at least ${min}, got "${value}"`);
    return n;
  };
}

/** Policy counts of the newest stored snapshot of the same cluster in the quarter before the snapshot's (growth checks). */
export async function previousPeriodCountsFromStore(
  ctx: Pick<CliContext, 'env' | 'loadConfig'>,
  opts: Record<string, unknown>,
  snapshot: Snapshot,
): Promise<PreviousPeriodCounts | undefined> {
  const prev = previousPeriod(periodContaining('quarter', snapshot.takenAt));
  const { start, end } = periodBounds(prev);
  return withHistoryStore(ctx, opts, async (store) => {
    const list = await store.listSnapshots({ cluster: snapshot.cluster, from: start, to: end });
    const meta = list[list.length - 1];
    const s = meta ? await store.getSnapshot(meta.id) : undefined;
    return s ? policyCounts(s, prev.label) : undefined;
  });
}
