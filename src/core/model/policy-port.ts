/** Port entries of NetworkPolicy and admin policy rules, validated into one model. */
import { FieldReader, join, describe, type JsonObject } from './field-reader.js';
import { MAX_PORT, PROTOCOLS, type Protocol } from './connection-set.js';

export type PolicyPort =
  | { readonly protocol: Protocol; readonly kind: 'range'; readonly from: number; readonly to: number }
  /** protocol null: any protocol the named containerPort has (admin policies' namedPort). */
  | { readonly protocol: Protocol | null; readonly kind: 'named'; readonly name: string };

/** IANA_SVC_NAME: at most 15 characters of [a-z0-9-], at least one letter, no leading/trailing/double '-'. */
export function isValidPortName(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= 15 &&
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) &&
    !name.includes('--') &&
    /[a-z]/.test(name)
  );
}

export function readProtocol(r: FieldReader, obj: JsonObject, path: string): Protocol | undefined {
  const p = r.string(obj, 'protocol', path);
  if (p === undefined) return 'TCP'; // defaulted by the API server
  if (!PROTOCOLS.includes(p as Protocol)) {
    r.fail(join(path, 'protocol'), `"${p}" is not supported; expected one of ${PROTOCOLS.join(', ')}`);
    return undefined;
  }
  return p as Protocol;
}

/** networking.k8s.io/v1 NetworkPolicyPort: {protocol, port (number or name), endPort}. */
export function readNetworkPolicyPort(r: FieldReader, obj: unknown, path: string): PolicyPort | undefined {
  if (!r.isObject(obj)) {
    r.fail(path, `expected an object with protocol/port/endPort, found ${describe(obj)}`);
    return undefined;
  }
  r.unknownKeys(obj, ['protocol', 'port', 'endPort'], path);
  const protocol = readProtocol(r, obj, path);
  const port = obj['port'];
  const endPort = r.integer(obj, 'endPort', path, 1, MAX_PORT);
  if (protocol === undefined) return undefined;
  if (port === undefined || port === null) {
    if (obj['endPort'] !== undefined && obj['endPort'] !== null) r.fail(join(path, 'endPort'), 'may only be set together with a numeric port');
    return { protocol, kind: 'range', from: 1, to: MAX_PORT };
  }
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 1 || port > MAX_PORT) {
      r.fail(join(path, 'port'), `expected a port number from 1 to ${MAX_PORT} or a port name, found ${port}`);
      return undefined;
    }
    if (endPort !== undefined && endPort < port) {
      r.fail(join(path, 'endPort'), `must be greater than or equal to port (${port}), found ${endPort}`);
      return undefined;
    }
    return { protocol, kind: 'range', from: port, to: endPort ?? port };
  }
  if (typeof port === 'string') {
    if (obj['endPort'] !== undefined && obj['endPort'] !== null) {
      r.fail(join(path, 'endPort'), `may not be set when port is a name ("${port}")`);
      return undefined;
    }
    if (!isValidPortName(port)) {
      r.fail(join(path, 'port'), `"${port}" is not a valid port name (1-15 lowercase letters, digits and '-', with at least one letter) nor a number`);
      return undefined;
    }
    return { protocol, kind: 'named', name: port };
  }
  r.fail(join(path, 'port'), `expected a port number or name, found ${describe(port)}`);
  return undefined;
}

/** policy.networking.k8s.io/v1alpha1 AdminNetworkPolicyPort: exactly one of portNumber, portRange, namedPort. */
export function readAdminPolicyPort(r: FieldReader, obj: unknown, path: string): PolicyPort | undefined {
  if (!r.isObject(obj)) {
    r.fail(path, `expected an object with one of portNumber, portRange, namedPort; found ${describe(obj)}`);
    return undefined;
  }
  r.unknownKeys(obj, ['portNumber', 'portRange', 'namedPort'], path);
  const set = ['portNumber', 'portRange', 'namedPort'].filter((k) => obj[k] !== undefined && obj[k] !== null);
  if (set.length !== 1) {
    r.fail(path, `exactly one of portNumber, portRange, namedPort must be set, found ${set.length ? set.join(' and ') : 'none'}`);
    return undefined;
  }
  if (set[0] === 'namedPort') {
    const name = r.string(obj, 'namedPort', path, true);
    if (name === undefined) return undefined;
    if (!isValidPortName(name)) {
      r.fail(join(path, 'namedPort'), `"${name}" is not a valid port name`);
      return undefined;
    }
    // the admin API names a containerPort without a protocol: it matches that port's own protocol
    return { protocol: null, kind: 'named', name };
  }
  if (set[0] === 'portNumber') {
    const p = join(path, 'portNumber');
    const o = r.object(obj, 'portNumber', path);
    if (!o) return undefined;
    r.unknownKeys(o, ['protocol', 'port'], p);
    const protocol = readProtocol(r, o, p);
    const port = r.integer(o, 'port', p, 1, MAX_PORT, true);
    if (protocol === undefined || port === undefined) return undefined;
    return { protocol, kind: 'range', from: port, to: port };
  }
  const p = join(path, 'portRange');
  const o = r.object(obj, 'portRange', path);
  if (!o) return undefined;
  r.unknownKeys(o, ['protocol', 'start', 'end'], p);
  const protocol = readProtocol(r, o, p);
  const start = r.integer(o, 'start', p, 1, MAX_PORT, true);
  const end = r.integer(o, 'end', p, 1, MAX_PORT, true);
  if (protocol === undefined || start === undefined || end === undefined) return undefined;
  if (end <= start) {
    r.fail(join(p, 'end'), `must be greater than start (${start}), found ${end}`);
    return undefined;
  }
  return { protocol, kind: 'range', from: start, to: end };
}
