/** Exceptions suppress findings for a scope until they expire; suppressed findings stay visible as suppressed. */
import type { ExceptionRule } from './audit-settings.js';

export interface FindingScope {
  readonly check: string;
  readonly cluster: string;
  readonly namespace?: string;
  readonly workload?: string;
  readonly policy?: string;
}

export function isExpired(e: ExceptionRule, today: string): boolean {
  return e.expires < today;
}

/** The first active exception covering the finding: same check, and every scope field it sets matches. */
export function matchingException(f: FindingScope, exceptions: readonly ExceptionRule[], today: string): ExceptionRule | undefined {
  return exceptions.find(
    (e) =>
      e.check === f.check &&
      !isExpired(e, today) &&
      (e.cluster === undefined || e.cluster === f.cluster) &&
      (e.namespace === undefined || e.namespace === f.namespace) &&
      (e.workload === undefined || e.workload === f.workload) &&
      (e.policy === undefined || e.policy === f.policy),
  );
}

/** Days from today until the exception's last day (negative when expired). */
export function daysLeft(e: ExceptionRule, today: string): number {
  return Math.round((Date.parse(`${e.expires}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}
