/** What each part of the `kubectl config` commands does: the "explain" glossary of a kubeconfig step. */
export const kubectlConfigTerms: Record<string, string> = {
  'set-cluster': 'adds or updates a cluster entry: where the API server is and which CA vouches for it.',
  '--certificate-authority': 'the CA certificate the client trusts when the API server presents its certificate.',
  '--embed-certs': 'copies the certificate (and key) into the kubeconfig as base64, so the file works on its own once copied to another machine.',
  '--server': "the API server's URL; its host part must be one of the names or addresses in the API server's certificate.",
  'set-credentials': 'adds or updates a user entry: the client certificate and key this identity authenticates with.',
  '--client-certificate': 'the certificate whose CN becomes the user name and whose O values become the groups the API server sees.',
  '--client-key': 'the private key of that certificate; embedded, it makes the kubeconfig a secret to guard like the key itself.',
  'set-context': 'ties a cluster entry to a user entry under one name.',
  '--cluster': 'the cluster entry the context uses.',
  '--user': 'the user entry the context uses.',
  'use-context': 'makes the context the one kubectl and the components use when none is named.',
  '--kubeconfig': 'the file to write, instead of ~/.kube/config.',
};
