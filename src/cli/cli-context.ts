/** What commands get from the outside world: output streams, the clock, and access to the history store. */
import type { Snapshot } from '../core/model/snapshot.js';
import type { Reporter } from './console-reporter.js';

export interface CliContext {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  now(): Date;
  /** Loads a stored snapshot by reference (id, latest, or date) from the store given by options/env/config. */
  loadStoredSnapshot(opts: Record<string, unknown>, ref: string, reporter: Reporter): Promise<Snapshot>;
}
