import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { Errors } from '../errors.js';
import type { Algorithm, Secret } from './jwt.interfaces.js';

/** A key, read once: the KeyObject jsonwebtoken gets, and the algorithms its kind allows, the default first. */
export interface PinnedKey {
  key: KeyObject;
  /** `an HMAC secret`, `an RSA key`… for messages. */
  kind: string;
  algorithms: readonly Algorithm[];
}

const HMAC: readonly Algorithm[] = ['HS256', 'HS384', 'HS512'];
const RSA: readonly Algorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const RSA_PSS: readonly Algorithm[] = ['PS256', 'PS384', 'PS512'];
const EC_BY_CURVE: Record<string, readonly Algorithm[]> = { prime256v1: ['ES256'], secp384r1: ['ES384'], secp521r1: ['ES512'] };

/**
 * Reads key material for signing (a private key) or verifying (a public key),
 * and the algorithms its kind allows. The kind comes from the key, never from
 * a token: a string that parses as a PEM key is an asymmetric key, never an
 * HMAC secret, so a public key can never be used as one (the HMAC/RSA
 * confusion of CVE-2015-9235). A private key given to verify stands for its
 * public half.
 */
export function pinKey(material: Secret, use: 'sign' | 'verify', where: string): PinnedKey {
  const key = toKeyObject(material, use, where);
  if (key.type === 'secret') {
    if (key.symmetricKeySize === 0) throw Errors.JWT_KEY(where, 'the HMAC secret is empty');
    return { key, kind: 'an HMAC secret', algorithms: HMAC };
  }
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { key, kind: 'an RSA key', algorithms: RSA };
    case 'rsa-pss':
      return { key, kind: 'an RSA-PSS key', algorithms: RSA_PSS };
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
      const algorithms = EC_BY_CURVE[curve];
      if (!algorithms) throw Errors.JWT_KEY(where, `the EC curve ${curve || '(unknown)'} has no JWT algorithm; use P-256, P-384 or P-521`);
      return { key, kind: `an EC ${curve} key`, algorithms };
    }
    default:
      throw Errors.JWT_KEY(where, `a ${key.asymmetricKeyType} key cannot sign JWTs here`);
  }
}

function toKeyObject(material: Secret, use: 'sign' | 'verify', where: string): KeyObject {
  // Verifying needs only the public half: a private key given to verify stands for it.
  if (material instanceof KeyObject) return use === 'verify' && material.type === 'private' ? createPublicKey(material) : material;
  if (typeof material === 'string' || Buffer.isBuffer(material)) {
    if (!looksLikePem(material)) return createSecretKey(typeof material === 'string' ? Buffer.from(material, 'utf8') : material);
    return parsePem(() => (use === 'sign' ? createPrivateKey(material) : createPublicKey(material)), where);
  }
  if (typeof material === 'object' && material !== null && 'key' in material) {
    return parsePem(() => (use === 'sign' ? createPrivateKey(material as never) : createPublicKey(material.key)), where);
  }
  throw Errors.JWT_KEY(where, 'the key is neither a string, a Buffer, a KeyObject nor { key, passphrase }');
}

/** A `secret` option is an HMAC secret: a string or Buffer that is not PEM, or a secret KeyObject. A PEM key there is a mistake, refused. */
export function checkHmacSecret(material: unknown, where: string): void {
  const ok = typeof material === 'string' || Buffer.isBuffer(material) ? !looksLikePem(material) : material instanceof KeyObject && material.type === 'secret';
  if (!ok) throw Errors.JWT_KEY(where, 'a `secret` is an HMAC secret, and this is a PEM key or a key object: give it as publicKey or privateKey');
}

/** PEM text, by its armour: a secret with "-----BEGIN" in it is refused rather than guessed at. */
function looksLikePem(material: string | Buffer): boolean {
  return (typeof material === 'string' ? material : material.toString('latin1')).includes('-----BEGIN');
}

function parsePem(parse: () => KeyObject, where: string): KeyObject {
  try {
    return parse();
  } catch (error) {
    throw Errors.JWT_KEY(where, `the PEM key does not parse (${(error as Error).message})`);
  }
}

/** Checks that every algorithm named belongs to the key's kind (`none` never does), and returns them. */
export function checkAlgorithms(pinned: PinnedKey, requested: readonly unknown[] | undefined, where: string): readonly Algorithm[] {
  if (requested === undefined) return pinned.algorithms.slice(0, 1);
  if (!Array.isArray(requested) || requested.length === 0) throw Errors.JWT_ALGORITHM(where, String(requested), pinned.kind, pinned.algorithms);
  for (const algorithm of requested) {
    if (!pinned.algorithms.includes(algorithm as Algorithm)) throw Errors.JWT_ALGORITHM(where, String(algorithm), pinned.kind, pinned.algorithms);
  }
  return requested as Algorithm[];
}
