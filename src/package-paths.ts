/** Folders shipped with the package (examples, templates), found from this module in src/ and dist/ alike. */
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const EXAMPLES_DIR = fileURLToPath(new URL('../examples/', import.meta.url));
