/** Opens the history store a location names: SQLite for files, PostgreSQL for postgres:// URLs. */
import type { HistoryStore } from './history-store.js';
import { openPostgresHistoryStore, type PostgresStoreOptions } from './postgres-history-store.js';
import { openSqliteHistoryStore, type SqliteStoreOptions } from './sqlite-history-store.js';
import { chooseStoreLocation, type StoreLocation } from './store-location.js';

export type OpenStoreOptions = SqliteStoreOptions & PostgresStoreOptions;

export function openHistoryStore(location: StoreLocation, options: OpenStoreOptions = {}): Promise<HistoryStore> {
  return location.kind === 'postgres' ? openPostgresHistoryStore(location.url, options) : openSqliteHistoryStore(location.path, options);
}

/** The store chosen by --store, then $NETPOL_AUDIT_STORE, then the config, then the default path. */
export function openChosenHistoryStore(
  choice: { option?: string; env?: NodeJS.ProcessEnv; config?: string },
  options: OpenStoreOptions = {},
): Promise<HistoryStore> {
  return openHistoryStore(chooseStoreLocation(choice).location, options);
}
