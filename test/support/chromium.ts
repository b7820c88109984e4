/** Whether a Chromium is there for the PDF suites (see src/adapters/render/pdf-printer.ts for the search). */
import { execFileSync } from 'node:child_process';
import { findChromium } from '../../src/adapters/render/pdf-printer.js';
import type { Availability } from './infra.js';

export function chromiumAvailability(): Availability & { executablePath?: string } {
  try {
    return { available: true, executablePath: findChromium() };
  } catch (err) {
    return { available: false, reason: `${(err as Error).message}; install it with apt-get install chromium` };
  }
}

/** pdftotext / pdfinfo / pdftoppm from poppler-utils. */
export function popplerAvailability(): Availability {
  try {
    execFileSync('pdfinfo', ['-v'], { stdio: 'pipe' });
    return { available: true };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return { available: false, reason: 'pdfinfo not found; install poppler-utils (apt-get install poppler-utils)' };
    return { available: true }; // pdfinfo -v exits non-zero on some versions
  }
}

export function both(a: Availability, b: Availability): Availability {
  if (!a.available) return a;
  if (!b.available) return b;
  return { available: true };
}
