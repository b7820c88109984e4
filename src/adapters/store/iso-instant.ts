/** Timestamps as the store keeps them: ISO-8601 UTC with milliseconds, which sort as text in both dialects. */
import { UserError } from '../../core/model/user-error.js';

/** Normalises an ISO-8601 timestamp to `YYYY-MM-DDTHH:mm:ss.sssZ`; `what` names the value in the error. */
export function isoInstant(text: string, what: string): string {
  const ok = typeof text === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text.trim());
  const d = ok ? new Date(text.trim()) : undefined;
  if (!d || Number.isNaN(d.getTime()) || !/^\d{4}-/.test(d.toISOString())) {
    throw new UserError(`${what}: "${String(text)}" is not an ISO-8601 timestamp`, 'expected e.g. 2026-09-30T12:00:00Z');
  }
  return d.toISOString();
}
