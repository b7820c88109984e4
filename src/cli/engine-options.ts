/** CLI options for the behaviour the spec leaves to the network plugin (see docs/semantics.md). */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_ENGINE_SETTINGS, DEFAULT_MAX_CLASSES, DEFAULT_MAX_PAIR_CELLS, type EngineSettings } from '../core/engine/engine-settings.js';
import type { PeerSetForm } from '../core/engine/run-set.js';

export function addEngineOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--ipblock-pods <mode>', 'whether ipBlock peers match pod IPs (Calico/upstream e2e: match; Cilium: ignore)')
        .choices(['match', 'ignore'])
        .default(DEFAULT_ENGINE_SETTINGS.ipBlockPods),
    )
    .addOption(
      new Option('--host-network <mode>', 'hostNetwork pods: node = bypass pod policies, seen as node IPs; pod = like other pods')
        .choices(['node', 'pod'])
        .default(DEFAULT_ENGINE_SETTINGS.hostNetwork),
    )
    .addOption(
      new Option('--ip-families <families>', 'address families of external endpoints (auto: those of the pod IPs, IPv4 if none known)')
        .choices(['auto', 'ipv4', 'ipv6', 'dual'])
        .default(DEFAULT_ENGINE_SETTINGS.ipFamilies),
    )
    .addOption(
      new Option('--max-classes <n>', `most pod classes to analyse; beyond it the analysis stops with an explanation (default ${DEFAULT_MAX_CLASSES})`).argParser(wholeNumber('classes')),
    )
    .addOption(
      new Option(
        '--max-pair-cells <n>',
        `most class-pair cells the allow maps and pod-to-pod reach may span (about 125 MB per 1e9); beyond it the analysis stops with an explanation (default ${DEFAULT_MAX_PAIR_CELLS})`,
      ).argParser(wholeNumber('cells')),
    )
    .addOption(
      // a representation, not a behaviour: for the test suite to run the corpus through both forms (run-set.ts)
      new Option('--peer-sets <form>', 'how reach rules store their peer classes beyond the class cap (testing aid)').choices(['auto', 'runs', 'words']).hideHelp(),
    );
}

const wholeNumber =
  (what: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of ${what} >= 1, got ${JSON.stringify(value)}`);
    return n;
  };

export function engineSettingsFrom(opts: Record<string, unknown>): EngineSettings {
  return {
    ipBlockPods: (opts['ipblockPods'] as EngineSettings['ipBlockPods']) ?? DEFAULT_ENGINE_SETTINGS.ipBlockPods,
    hostNetwork: (opts['hostNetwork'] as EngineSettings['hostNetwork']) ?? DEFAULT_ENGINE_SETTINGS.hostNetwork,
    ipFamilies: (opts['ipFamilies'] as EngineSettings['ipFamilies']) ?? DEFAULT_ENGINE_SETTINGS.ipFamilies,
    ...(typeof opts['maxClasses'] === 'number' ? { maxClasses: opts['maxClasses'] } : {}),
    ...(typeof opts['maxPairCells'] === 'number' ? { maxPairCells: opts['maxPairCells'] } : {}),
    ...(typeof opts['peerSets'] === 'string' ? { peerSets: opts['peerSets'] as PeerSetForm } : {}),
  };
}

/** Whether the command takes the engine options (and so their defaults from the configuration). */
export function hasEngineOptions(cmd: Command): boolean {
  return cmd.options.some((o) => o.long === '--ipblock-pods');
}

/**
 * Makes the configuration's engine settings the defaults: an option given on the command line (source `cli`)
 * still wins; one left at commander's built-in default takes the configured value.
 */
export function applyEngineDefaults(cmd: Command, settings: EngineSettings): void {
  const keys: Record<string, unknown> = { ipblockPods: settings.ipBlockPods, hostNetwork: settings.hostNetwork, ipFamilies: settings.ipFamilies };
  if (settings.maxClasses !== undefined) keys['maxClasses'] = settings.maxClasses;
  if (settings.maxPairCells !== undefined) keys['maxPairCells'] = settings.maxPairCells;
  for (const [key, value] of Object.entries(keys)) {
    const source = cmd.getOptionValueSource(key);
    if (source === undefined || source === 'default') cmd.setOptionValueWithSource(key, value, 'config');
  }
}
