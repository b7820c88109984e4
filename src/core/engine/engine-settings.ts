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
}

export const DEFAULT_MAX_CLASSES = 20_000;

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = { ipBlockPods: 'match', hostNetwork: 'pod', ipFamilies: 'auto' };
