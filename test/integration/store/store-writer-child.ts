/**
 * A separate process that writes synthetic snapshots to a store (run compiled, see compile-for-child.ts).
 * Arguments: STORE CLUSTER COUNT PODS PODS_PER_CHUNK [PAUSE_MS]. With PAUSE_MS, each pod chunk is announced
 * on stdout (`chunk 3/20`) and followed by a pause inside the write transaction, so a test can kill it there.
 */
import { openChosenHistoryStore } from '../../../src/adapters/store/open-history-store.js';
import { syntheticSnapshot } from '../../support/synthetic-snapshot.js';

const [store, cluster, count, pods, podsPerChunk, pauseMs] = process.argv.slice(2);
const pause = Number(pauseMs ?? 0);
const s = await openChosenHistoryStore(
  { option: store as string },
  {
    podsPerChunk: Number(podsPerChunk),
    ...(pause > 0
      ? {
          afterChunkWritten: async (seq: number, total: number) => {
            process.stdout.write(`chunk ${seq + 1}/${total}\n`);
            await new Promise((resolve) => setTimeout(resolve, pause));
          },
        }
      : {}),
  },
);
for (let i = 0; i < Number(count); i++) {
  const takenAt = new Date(Date.UTC(2026, 6, 1, 0, 0, i)).toISOString();
  const meta = await s.saveSnapshot(syntheticSnapshot({ cluster, takenAt, pods: Number(pods), seed: `${cluster}-${i}` }));
  process.stdout.write(`saved ${meta.id} ${meta.contentHash}\n`);
}
await s.close();
