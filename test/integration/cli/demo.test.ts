/** `netpol-audit demo` on a fresh machine: a history over several quarters and the full report. */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../../support/cli-process.js';

describe('demo', () => {
  it('builds the history and renders the report of the last closed quarter (HTML, exports, .eml)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'npa-demo-')), 'demo');
    const r = await runCliProcess(['demo', '--out', out, '--no-pdf', '--email', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const period = r.stdout.match(/^Demo report (\d{4}-Q\d): containment [\d.]+ \([A-F]\), 2 clusters$/m)?.[1];
    expect(period).toBeDefined();
    const dir = join(out, period!);
    for (const f of ['report.html', 'findings.csv', 'findings.json', 'connectivity-shop-prod.csv']) expect(existsSync(join(dir, f)), f).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Network containment audit (demo)');
    expect(html).toContain('edge-eu');
    expect(html).toMatch(/no snapshot in \d{4}-Q\d; the last collection attempt/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.eml')).length).toBe(2);
    expect(existsSync(join(dir, 'channels', 'payments-team', 'report.html'))).toBe(true);
  }, 120_000);
});
