/**
 * Once per test run: compiles dist/ (suites that start the real CLI as a process run bin/netpol-audit.js,
 * which must match the sources), and says whether skipped suites are failures (see test/support/infra.ts).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  if (process.env['NETPOL_AUDIT_REQUIRE_ALL_SUITES'] === '1') {
    process.stderr.write('NETPOL_AUDIT_REQUIRE_ALL_SUITES=1: a suite whose infrastructure is missing fails instead of skipping\n');
  }
  if (process.env['NETPOL_AUDIT_SKIP_BUILD'] !== '1') {
    const root = resolve(fileURLToPath(import.meta.url), '../../..');
    execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', resolve(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  }
}
