/** The checks table in README.md, generated from the registry (a test keeps the README in sync). */
import { CHECKS } from '../../core/findings/check-registry.js';
import { controlLabel } from '../../core/findings/controls.js';
import { mdTable } from './markdown.js';

/** What a check reads: the policies alone (it runs beyond the engine's limits too) or the engine's allow sets. */
export const NEEDS_TEXT = {
  policies: 'policies and pods (runs beyond the engine limits too)',
  'allow-sets': "the engine's effective allow sets (beyond the engine limits, computed from reach blocks)",
  'complete-analysis': "the engine's allow maps and reach rows, re-evaluated without each policy",
} as const;

/** Whether a check runs beyond the engine's limits: always, from reach blocks (within their limit), or not. */
const BEYOND_LIMITS = { policies: 'runs', 'allow-sets': 'runs from reach blocks', 'complete-analysis': 'not run' } as const;

export function checksMarkdownTable(): string {
  return mdTable(
    ['Check', 'Severity', 'What it finds', 'Beyond the engine limits', 'Controls'],
    CHECKS.map((c) => [`\`${c.id}\``, c.defaultSeverity, c.title, BEYOND_LIMITS[c.needs], c.controls.map(controlLabel).join(', ')]),
  );
}
