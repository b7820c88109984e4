/**
 * A full garbage collection from a test, to check that what a result keeps lets go of what it should
 * (WeakRef targets are cleared only after the current job: hence the ticks around the collection).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

export async function collectGarbage(): Promise<void> {
  await tick();
  gc();
  await tick();
  gc();
}
