/**
 * Shell and naming shared by the Ansible translations of x509 and kubeconfig: openssl on the host
 * prints a certificate as `key value` lines that a Jinja assert reads with regex_findall.
 */

/**
 * `cert_facts FILE PREFIX`: `PREFIX-subject CN=…`, `PREFIX-issuer …`, `PREFIX-notbefore`/`-notafter`
 * (ISO 8601), one `PREFIX-san`/`-ku`/`-eku`/`-bc` line per extension value, `PREFIX-pub` (the public
 * key on one line). Exit 1 when the file is not a certificate.
 */
export const certFactsFunction = `cert_facts() {
  text=$(openssl x509 -in "$1" -noout -subject -issuer -nameopt sep_multiline,sname,utf8 \\
    -dates -dateopt iso_8601 -ext subjectAltName,keyUsage,extendedKeyUsage,basicConstraints) || return 1
  printf '%s\\n' "$text" | awk -v p="$2" '
    /^subject=/ { s = "subject"; next }
    /^issuer=/ { s = "issuer"; next }
    /^notBefore=/ { print p "-notbefore " substr($0, 11); next }
    /^notAfter=/ { print p "-notafter " substr($0, 10); next }
    /^X509v3 Subject Alternative Name:/ { s = "san"; next }
    /^X509v3 Key Usage:/ { s = "ku"; next }
    /^X509v3 Extended Key Usage:/ { s = "eku"; next }
    /^X509v3 Basic Constraints:/ { s = "bc"; next }
    /^X509v3 / { s = ""; next }
    /^    / && s != "" {
      v = substr($0, 5)
      if (s == "subject" || s == "issuer") { print p "-" s " " v; next }
      n = split(v, parts, ", ")
      for (i = 1; i <= n; i++) print p "-" s " " parts[i]
    }'
  printf '%s-pub %s\\n' "$2" "$(openssl x509 -in "$1" -noout -pubkey | tr -d '\\n')"
}`;

/** `verify_facts CERT CAFILE PREFIX`: `PREFIX-verify ok`, or `PREFIX-verify failed: <openssl's reason>`. */
export const verifyFactsFunction = `verify_facts() {
  if out=$(openssl verify -partial_chain -CAfile "$2" "$1" 2>&1); then echo "$3-verify ok"
  else printf '%s-verify failed: %s\\n' "$3" "$(printf '%s' "$out" | tr '\\n' ' ')"; fi
}`;

/** openssl's names for key usage bits and extended key usages (how `-ext` prints them). */
export const keyUsageText: Record<string, string> = {
  digitalSignature: 'Digital Signature',
  nonRepudiation: 'Non Repudiation',
  keyEncipherment: 'Key Encipherment',
  dataEncipherment: 'Data Encipherment',
  keyAgreement: 'Key Agreement',
  keyCertSign: 'Certificate Sign',
  cRLSign: 'CRL Sign',
  encipherOnly: 'Encipher Only',
  decipherOnly: 'Decipher Only',
};

export const extKeyUsageText: Record<string, string> = {
  serverAuth: 'TLS Web Server Authentication',
  clientAuth: 'TLS Web Client Authentication',
  codeSigning: 'Code Signing',
  emailProtection: 'E-mail Protection',
  timeStamping: 'Time Stamping',
  OCSPSigning: 'OCSP Signing',
};

/**
 * An IP SAN as openssl prints it: IPv4 dotted, IPv6 as eight upper-case groups without leading
 * zeros and no `::` (`FD00:4:0:0:0:0:0:4`). Takes a canonical address (canonicalIp, src/lab/cidr.ts).
 */
export function opensslIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16).toString(16).toUpperCase()).join(':');
}
