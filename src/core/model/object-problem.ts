/** A problem with one input object: where it came from, which object, which field, what was expected. */

export interface ObjectProblem {
  readonly severity: 'error' | 'warning';
  /** File (manifests) or cluster/resource the object came from; absent when unknown. */
  readonly origin?: string;
  /** e.g. `NetworkPolicy shop/allow-web`. */
  readonly object?: string;
  /** Field path within the object, e.g. `spec.ingress[0].ports[1].port`. */
  readonly field?: string;
  readonly message: string;
}

export function formatProblem(p: ObjectProblem): string {
  const where = [p.origin, p.object, p.field].filter(Boolean).join(': ');
  return `${p.severity}: ${where ? `${where}: ` : ''}${p.message}`;
}
