/** Labels controllers put on pods by themselves: they say nothing about what a workload is. */
const GENERATED = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'job-name',
  'controller-uid',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
]);

export function isGeneratedLabel(key: string): boolean {
  return GENERATED.has(key);
}

export function meaningfulLabelKeys(labels: Readonly<Record<string, string>>): string[] {
  return Object.keys(labels).filter((k) => !isGeneratedLabel(k));
}
