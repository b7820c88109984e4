/** Writes configuration files (and secret files) into a fresh temporary folder for config tests. */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config.js';
import type { ConfigProblem } from '../../../src/config/config-schema.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'netpol-audit-config-'));
  made.push(d);
  return d;
}

/** Writes `files` (relative path -> content) into a new temporary folder and returns the folder. */
export function writeFiles(files: Record<string, string>): string {
  const d = tempDir();
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(d, rel)), { recursive: true });
    writeFileSync(join(d, rel), content);
  }
  return d;
}

/** Loads `yaml` as netpol-audit.yaml and returns the problems it is rejected with (fails if it loads). */
export async function problemsOf(yaml: string, env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}): Promise<ConfigProblem[]> {
  const dir = writeFiles({ 'netpol-audit.yaml': yaml, ...files });
  try {
    await loadConfig({ path: join(dir, 'netpol-audit.yaml'), env });
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('the configuration loaded, but problems were expected');
}
