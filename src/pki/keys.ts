import { generateKeyPair, type KeyObject } from 'node:crypto';
import type { KeyAlgorithm } from './types.js';

export interface KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

/** Generates on libuv's threadpool, so many keys started together are made in parallel. */
export function generateKey(algorithm: KeyAlgorithm): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: KeyObject, privateKey: KeyObject) => (error ? reject(error) : resolve({ publicKey, privateKey }));
    if (algorithm.type === 'rsa') generateKeyPair('rsa', { modulusLength: algorithm.bits }, done);
    else generateKeyPair('ec', { namedCurve: algorithm.curve }, done);
  });
}

/** PKCS#8 PEM ("BEGIN PRIVATE KEY"), as OpenSSL 3 writes and every Kubernetes component reads. */
export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
