/**
 * How commands reach the history store: `--store`, then $NETPOL_AUDIT_STORE, then the config, then the default
 * file; and how a `--snapshot REF` / `--from REF` becomes a stored snapshot.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { HistoryStore } from '../adapters/store/history-store.js';
import { openChosenHistoryStore } from '../adapters/store/open-history-store.js';
import { loadSnapshotByRef } from '../app/history/resolve-snapshot-ref.js';
import type { Snapshot } from '../core/model/snapshot.js';
import type { CliContext } from './cli-context.js';
import type { Reporter } from './console-reporter.js';

export const STORE_OPTION_HELP = 'history store: a file path, sqlite:PATH or postgres://... (default: $NETPOL_AUDIT_STORE, the config, or ~/.local/share/netpol-audit/history.sqlite)';

export function addStoreOption(cmd: Command): Command {
  return cmd.option('--store <store>', STORE_OPTION_HELP);
}

/** Opens the chosen store, runs `fn`, and closes the store whatever happens. */
export async function withHistoryStore<T>(env: NodeJS.ProcessEnv, opts: Record<string, unknown>, fn: (store: HistoryStore) => Promise<T>): Promise<T> {
  // TODO(config): pass the config file's `store` once the CLI loads a config
  const store = await openChosenHistoryStore({ option: opts['store'] as string | undefined, env });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The CliContext's loadStoredSnapshot: resolves REF (with `--cluster`) in the chosen store and loads it. */
export function storedSnapshotLoader(env: NodeJS.ProcessEnv): CliContext['loadStoredSnapshot'] {
  return (opts, ref, reporter: Reporter) =>
    withHistoryStore(env, opts, async (store): Promise<Snapshot> => {
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
