/** The public conformance corpus beside the checkout (../shared), case by case as snapshots. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotFromManifests } from '../../src/app/manifest-snapshot.js';
import type { Snapshot } from '../../src/core/model/snapshot.js';

export const CONFORMANCE_CORPUS = join(process.cwd(), '..', 'shared', 'conformance', 'netpol-analyzer');

/** Every case of the corpus, in the order of its cases.tsv; throws when the corpus is missing. */
export async function* conformanceSnapshots(): AsyncGenerator<{ name: string; snapshot: Snapshot }> {
  if (!existsSync(CONFORMANCE_CORPUS)) throw new Error(`conformance corpus missing at ${CONFORMANCE_CORPUS}`);
  const cases = readFileSync(join(CONFORMANCE_CORPUS, 'cases.tsv'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t')[0]!);
  for (const name of cases) {
    const { snapshot } = await snapshotFromManifests(join(CONFORMANCE_CORPUS, 'cases', name), { takenAt: '2026-01-01T00:00:00Z' });
    yield { name, snapshot };
  }
}
