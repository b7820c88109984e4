import type { PeerSetForm } from './run-set.js';

/** Behaviour the Kubernetes spec leaves to the network plugin: explicit settings, never hidden guesses. */

export interface EngineSettings {
  /**
   * Whether NetworkPolicy ipBlock peers match pod IPs. `match` (default) is what the upstream e2e suite and
   * Calico do; Cilium behaves as `ignore` (ipBlock then only ever matches addresses outside the cluster).
   */
  readonly ipBlockPods: 'match' | 'ignore';
  /**
   * hostNetwork pods: `pod` (default, what the public conformance corpus expects): treat them like any other
   * pod. `node` (what Cilium, Calico and OVN-Kubernetes do, and what the admin policy API states): no
   * selector matches them, no policy isolates them, and peers see them as their node's IP, which only an
   * ipBlock can match. The audit flags every hostNetwork pod whatever the setting.
   */
  readonly hostNetwork: 'node' | 'pod';
  /**
   * Address families of external endpoints to report. `auto` (default): the families of the cluster's
   * pod IPs, IPv4 when no pod IP is known. Policy CIDRs of other families then have no effect.
   */
  readonly ipFamilies: 'auto' | 'ipv4' | 'ipv6' | 'dual';
  /**
   * A limit, not a semantic choice: the most pod classes (pods that every selector, named port and
   * address rule treats alike) the engine analyses; default DEFAULT_MAX_CLASSES. Pod-to-pod reach grows
   * with the square of the class count, so beyond it the engine stops with ClassCapExceededError, which
   * names the label keys that split the pods, instead of running out of memory half-way.
   */
  readonly maxClasses?: number;
  /**
   * A limit, not a semantic choice: the most class-pair cells (class x peer positions of the bitsets, 32 per
   * stored word) the engine's allow maps and pod-to-pod reach may span; default DEFAULT_MAX_PAIR_CELLS.
   * Policies that admit most classes from most others on port sets differing per class make these grow with
   * the square of the class count below the class cap; past the limit the engine stops with
   * CellLimitExceededError (see cell-budget.ts) instead of running for minutes and out of memory.
   */
  readonly maxPairCells?: number;
  /**
   * A representation, not a semantic choice: how reach rules keep their peer classes beyond the class cap
   * (run-set.ts). `auto` (default): as runs where that takes at most half the memory; `runs`/`words`: always
   * that form, for tests to cover both paths at small scale (results are the same either way).
   */
  readonly peerSets?: PeerSetForm;
}

export const DEFAULT_MAX_CLASSES = 20_000;

export const DEFAULT_MAX_PAIR_CELLS = 1_600_000_000;

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = { ipBlockPods: 'match', hostNetwork: 'pod', ipFamilies: 'auto' };
