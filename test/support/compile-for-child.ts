/**
 * Child processes in tests run compiled JavaScript: Node 20 cannot run TypeScript. This compiles one entry
 * file (and what it imports) with the project's tsc into node_modules/.cache, where the project's packages
 * resolve, and returns the path of the compiled entry.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function compileForChild(entry: string): { script: string; cleanup: () => void } {
  const cacheDir = join(ROOT, 'node_modules', '.cache', 'netpol-audit-tests');
  mkdirSync(cacheDir, { recursive: true });
  const outDir = mkdtempSync(join(cacheDir, 'child-'));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(
    process.execPath,
    [tsc, '--outDir', outDir, '--rootDir', ROOT, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022',
      '--skipLibCheck', '--noCheck', '--types', 'node', entry],
    { cwd: ROOT, stdio: 'pipe' },
  );
  // inside node_modules Node looks no further for a package.json, so say these files are ES modules
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  const script = join(outDir, relative(ROOT, resolve(entry))).replace(/\.ts$/, '.js');
  return { script, cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}
