/** Prints, once per run, which integration suites will be skipped and why (see test/support/infra.ts). */
export default function setup(): void {
  if (process.env['NETPOL_AUDIT_REQUIRE_ALL_SUITES'] === '1') {
    process.stderr.write('NETPOL_AUDIT_REQUIRE_ALL_SUITES=1: a suite whose infrastructure is missing fails instead of skipping\n');
  }
}
