/**
 * The front proxy's own small PKI: a CA of its own and one client certificate, made with openssl on
 * the jumpbox as upstream makes its certificates by hand. The API server presents the client
 * certificate when it forwards a request to an aggregated API (metrics-server); the aggregated API
 * trusts the user named in the forwarded headers only from a certificate this CA signed.
 */
import { sh } from '../kit.js';
import { workDir } from '../common.js';
import { frontProxyClientName } from './control-plane.js';

export const frontProxyFiles = ['front-proxy-ca.crt', 'front-proxy-client.crt', 'front-proxy-client.key'] as const;
const days = '3653';

/** The openssl commands, one a line, run in the working directory. */
export function frontProxyCommands(): string[] {
  return [
    'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out front-proxy-ca.key',
    sh`openssl req -x509 -new -key front-proxy-ca.key -subj /CN=front-proxy-ca -days ${days}` +
      " -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' -out front-proxy-ca.crt",
    'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out front-proxy-client.key',
    sh`openssl req -new -key front-proxy-client.key -subj ${`/CN=${frontProxyClientName}`}` +
      " -addext 'basicConstraints=critical,CA:FALSE' -addext 'keyUsage=critical,digitalSignature' -addext 'extendedKeyUsage=clientAuth'" +
      sh` | openssl x509 -req -CA front-proxy-ca.crt -CAkey front-proxy-ca.key -CAcreateserial -days ${days} -copy_extensions copy -out front-proxy-client.crt`,
    'chmod 0600 front-proxy-ca.key front-proxy-client.key',
  ];
}

/** Made once: kept while the client certificate still verifies against the CA beside it. */
export function frontProxyPki(): { run: string; unless: string } {
  return {
    run: [sh`cd ${workDir}`, ...frontProxyCommands()].join(' && '),
    unless: sh`cd ${workDir} && test -s front-proxy-ca.key && test -s front-proxy-client.key && openssl verify -CAfile front-proxy-ca.crt front-proxy-client.crt >/dev/null 2>&1`,
  };
}
