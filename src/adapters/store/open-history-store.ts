/** Opens the history store a location names: SQLite for files, PostgreSQL for postgres:// URLs. */
import type { HistoryStore } from './history-store.js';
import type { PostgresStoreOptions } from './postgres-history-store.js';
import type { SqliteStoreOptions } from './sqlite-history-store.js';
import { chooseStoreLocation, type StoreLocation } from './store-location.js';

export type OpenStoreOptions = SqliteStoreOptions & PostgresStoreOptions;

/** The database drivers are loaded only when a store is opened, so commands that need none start fast. */
export async function openHistoryStore(location: StoreLocation, options: OpenStoreOptions = {}): Promise<HistoryStore> {
  if (location.kind === 'postgres') return (await import('./postgres-history-store.js')).openPostgresHistoryStore(location.url, options);
  return (await import('./sqlite-history-store.js')).openSqliteHistoryStore(location.path, options);
}

/** The store chosen by --store, then $NETPOL_AUDIT_STORE, then the config, then the default path. */
export function openChosenHistoryStore(
  choice: { option?: string; env?: NodeJS.ProcessEnv; config?: string },
  options: OpenStoreOptions = {},
): Promise<HistoryStore> {
  return openHistoryStore(chooseStoreLocation(choice).location, options);
}
