/** `netpol-audit checks`: every check with its metadata (the README's table is generated from the same registry). */
import { Command, Option } from 'commander';
import { CHECKS } from '../../core/findings/check-registry.js';
import { controlLabel } from '../../core/findings/controls.js';
import type { CliContext } from '../cli-context.js';
import { checksMarkdownTable, NEEDS_TEXT } from '../formats/checks-table.js';

export function checksCommand(ctx: CliContext): Command {
  return new Command('checks')
    .description('list every check: id, severity, controls, rationale and remediation')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['txt', 'json', 'md']).default('txt'))
    .action(async (opts: { output: string }) => {
      if (opts.output === 'json') {
        ctx.stdout.write(
          `${JSON.stringify(
            CHECKS.map((c) => ({ id: c.id, title: c.title, category: c.category, severity: c.defaultSeverity, needs: c.needs, controls: c.controls.map(controlLabel), rationale: c.rationale, remediation: c.remediation, ...(c.snippet ? { snippet: c.snippet } : {}) })),
            null,
            2,
          )}\n`,
        );
      } else if (opts.output === 'md') ctx.stdout.write(checksMarkdownTable());
      else {
        for (const c of CHECKS) {
          ctx.stdout.write(`${c.id} (${c.defaultSeverity}, ${c.category}): ${c.title}\n  needs: ${NEEDS_TEXT[c.needs]}\n  controls: ${c.controls.map(controlLabel).join(', ')}\n  why: ${c.rationale}\n  fix: ${c.remediation}\n\n`);
        }
      }
    });
}
