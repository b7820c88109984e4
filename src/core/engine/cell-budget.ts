/**
 * The engine's second limit: the size of what it keeps. Allow maps and pod-to-pod reach are bitsets over
 * peers. When policies admit most pod classes from most others on port sets that differ from class to
 * class (selectors over per-pod labels, named ports whose numbers differ from pod to pod), each class needs
 * its own bitsets and their total grows with the square of the class count, well below the class cap.
 * The budget counts the cells (class x peer positions, 32 per stored word) of every map the engine builds,
 * as it builds them, and stops the analysis with an explanation as soon as they pass the limit: bounded
 * time and memory, never a half-computed result.
 */
import type { AllowMap } from './allow-map.js';
import { EngineLimitError } from './engine-limit-error.js';

export type BudgetPhase = 'ingress allow maps' | 'egress allow maps' | 'pod-to-pod reach';

export class CellBudget {
  private used = 0;

  constructor(
    readonly limit: number,
    private readonly pods: number,
    private readonly classes: number,
  ) {}

  /** Counts a newly built map; throws CellLimitExceededError once the total passes the limit. */
  charge(map: AllowMap, phase: BudgetPhase, classesDone: number): void {
    for (const s of map.segments) this.used += s.peers.words.length * 32;
    if (this.used > this.limit) throw new CellLimitExceededError(this.pods, this.classes, phase, classesDone, this.used, this.limit);
  }
}

export class CellLimitExceededError extends EngineLimitError {
  constructor(
    readonly pods: number,
    readonly classes: number,
    readonly phase: BudgetPhase,
    readonly classesDone: number,
    readonly cells: number,
    readonly limit: number,
  ) {
    const n = (x: number) => x.toLocaleString('en-US');
    super(
      `${n(pods)} pods in ${n(classes)} pod classes: the analysis stopped while computing the ${phase} (${n(classesDone)} of ${n(classes)} classes done), ` +
        `when the engine's allow maps and pod-to-pod reach spanned ${n(cells)} class-pair cells, more than the limit of ${n(limit)}; ` +
        `it stopped rather than run out of time or memory. Here policies admit most pod classes from most others on port sets that differ ` +
        `from class to class, so the result grows with the square of the class count.`,
      'selectors over per-pod labels (pod names, instance ids) and named ports whose numbers differ from pod to pod are the usual cause: ' +
        'select by app or role labels, give a port name one number per workload, or raise the limit with --max-pair-cells ' +
        '(engine.maxPairCells in the configuration) on a machine with the memory for it (1,000,000,000 cells take about 125 MB, ' +
        'and a diff or an audit needs as much again)',
    );
    this.name = 'CellLimitExceededError';
  }

  get summary(): string {
    return `${this.cells} class-pair cells in the ${this.phase}, limit ${this.limit}`;
  }
}
