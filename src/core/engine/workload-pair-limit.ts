/**
 * The limit of the audit from reach blocks: it keeps each workload's peers both ways as bitsets over the
 * workloads, so its memory grows with the square of the workload count (W3 at 100k pods: 10,028 workloads,
 * 2 × 10⁸ cells, 25 MB). Past the engine's pair-cell limit it refuses before computing them, with what to do.
 */
import { EngineLimitError } from './engine-limit-error.js';

export class WorkloadPairLimitError extends EngineLimitError {
  constructor(
    readonly workloads: number,
    readonly cells: number,
    readonly limit: number,
  ) {
    const n = (x: number) => x.toLocaleString('en-US');
    super(
      `${n(workloads)} workloads: the audit from reach blocks keeps each workload's peers both ways, ${n(cells)} workload-pair cells, ` +
        `more than the limit of ${n(limit)}; it stopped before computing them rather than run out of memory.`,
      'raise the limit with --max-pair-cells (engine.maxPairCells in the configuration) on a machine with the memory for it ' +
        '(1,000,000,000 cells take about 125 MB), or audit the cluster namespace by namespace from manifests',
    );
    this.name = 'WorkloadPairLimitError';
  }

  get summary(): string {
    return `${this.cells} workload-pair cells, limit ${this.limit}`;
  }
}
