/** Finding severities, ordered. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

/** One level lower (info stays info). */
export function lowerSeverity(s: Severity): Severity {
  return SEVERITIES[Math.max(0, severityRank(s) - 1)]!;
}
