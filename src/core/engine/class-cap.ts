/**
 * The engine's graceful stop: a cluster whose pods split into more classes than the cap is refused with
 * an explanation (which label keys make pods distinct, and how to proceed) instead of a result computed
 * half-way or an out-of-memory crash. Never a guess: no classes are merged to fit.
 */
import type { ClassIndex } from './pod-classes.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { EngineLimitError } from './engine-limit-error.js';

export interface LabelKeySpread {
  readonly key: string;
  /** Distinct values among the cluster's pods that tell pods apart (named by a selector, plus one for any other). */
  readonly values: number;
}

export class ClassCapExceededError extends EngineLimitError {
  readonly classes: number;
  readonly cap: number;
  /** Label keys selectors reference, by how many distinct values pods give them (largest first). */
  readonly spread: readonly LabelKeySpread[];

  constructor(model: ClusterModel, index: ClassIndex, cap: number, referenced: ReadonlyMap<string, ReadonlySet<string>>) {
    const OTHER = '\u0000other';
    const values = new Map<string, Set<string>>();
    for (const pod of model.pods) {
      for (const k in pod.labels) {
        const named = referenced.get(k);
        if (!named) continue;
        let set = values.get(k);
        if (!set) values.set(k, (set = new Set()));
        const v = pod.labels[k]!;
        set.add(named.has(v) ? v : OTHER);
      }
    }
    const spread = [...values].map(([key, v]) => ({ key, values: v.size })).sort((a, b) => b.values - a.values || (a.key < b.key ? -1 : 1));
    const n = index.classes.length;
    const top = spread.slice(0, 3).map((s) => `${s.key} (${s.values.toLocaleString('en-US')} value${s.values === 1 ? '' : 's'})`).join(', ');
    super(
      `${model.pods.length.toLocaleString('en-US')} pods fall into ${n.toLocaleString('en-US')} pod classes, more than the cap of ${cap.toLocaleString('en-US')}; ` +
        `the analysis stopped rather than run out of time or memory (pod-to-pod reach grows with the square of the class count). ` +
        `Pods are told apart by the label keys selectors use${top ? ` (most distinct: ${top})` : ''}, by their named ports and by the address ranges of their IPs.`,
      'selectors over per-pod labels (pod names, instance ids) are the usual cause: select by app or role labels instead, or raise the cap with --max-classes (engine.maxClasses in the configuration) on a machine with the memory for it',
    );
    this.name = 'ClassCapExceededError';
    this.classes = n;
    this.cap = cap;
    this.spread = spread;
  }

  get summary(): string {
    return `${this.classes} pod classes, cap ${this.cap}`;
  }
}
