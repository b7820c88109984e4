/** The checks table in README.md, generated from the registry (a test keeps the README in sync). */
import { CHECKS } from '../../core/findings/check-registry.js';
import { controlLabel } from '../../core/findings/controls.js';
import { mdTable } from './markdown.js';

export function checksMarkdownTable(): string {
  return mdTable(
    ['Check', 'Severity', 'What it finds', 'Controls'],
    CHECKS.map((c) => [`\`${c.id}\``, c.defaultSeverity, c.title, c.controls.map(controlLabel).join(', ')]),
  );
}
