/** What each flag of the control-plane units and commands does, in a sentence: the "explain" glossary. */
export const apiServerFlagMeanings: Record<string, string> = {
  '--advertise-address': 'the address this API server publishes as an endpoint of the `kubernetes` Service; it must be reachable from every node.',
  '--allow-privileged': 'lets Pods ask for privileged containers (CNI agents and kube-proxy-like system Pods need them).',
  '--audit-log-maxage': 'days an audit log file is kept after it was rotated.',
  '--audit-log-maxbackup': 'how many rotated audit log files are kept.',
  '--audit-log-maxsize': 'the size in megabytes at which the audit log is rotated.',
  '--audit-log-path': 'where the API server writes its audit log (no policy file: it records nothing until one is given).',
  '--authorization-mode': 'Node lets each kubelet touch only its own Node and Pods; RBAC decides for everyone else, by roles and bindings.',
  '--bind-address': 'the address the secure port listens on; the unspecified address means every address of the machine.',
  '--client-ca-file': 'the CA whose client certificates the API server accepts as user identities (CN = user, O = groups).',
  '--enable-admission-plugins': 'admission plugins run on every write beyond the defaults; NodeRestriction keeps kubelets from editing other nodes.',
  '--encryption-provider-config': 'the EncryptionConfiguration of chapter 06: Secrets are encrypted with its first provider before they reach etcd.',
  '--etcd-cafile': "the CA the etcd members' certificates must chain to.",
  '--etcd-certfile': 'the client certificate the API server presents to etcd (etcd demands one).',
  '--etcd-keyfile': 'the private key of --etcd-certfile.',
  '--etcd-servers': "every etcd member's client URL; the API server spreads its requests over them and fails over.",
  '--event-ttl': 'how long Events are kept in etcd before they expire.',
  '--kubelet-certificate-authority': "the CA the kubelets' serving certificates must chain to, so the API server checks whom it calls.",
  '--kubelet-client-certificate': 'the certificate the API server presents to kubelets (logs, exec); its CN is the user the RBAC binding names.',
  '--kubelet-client-key': 'the private key of --kubelet-client-certificate.',
  '--proxy-client-cert-file': 'the certificate the API server presents when it forwards a request to an aggregated API such as metrics-server.',
  '--proxy-client-key-file': 'the private key of --proxy-client-cert-file.',
  '--requestheader-allowed-names': "the only client certificate name allowed to assert a user in X-Remote-User headers: the front proxy's.",
  '--requestheader-client-ca-file': "the CA that signs the front proxy's certificate; aggregated APIs read it to trust forwarded identities.",
  '--requestheader-extra-headers-prefix': 'headers carrying extra attributes of the forwarded user.',
  '--requestheader-group-headers': "the header carrying the forwarded user's groups.",
  '--requestheader-username-headers': "the header carrying the forwarded user's name.",
  '--enable-aggregator-routing': "aggregated APIs are reached at their Pods' addresses, not the Service IP: controllers run no kube-proxy here.",
  '--secure-port': 'the HTTPS port of the API (6443, as every kubeconfig of chapter 05 says).',
  '--service-account-issuer': 'the `iss` of every service account token: one URL for the whole cluster, the address clients use for the API.',
  '--service-account-key-file': 'the public key that verifies service account tokens.',
  '--service-account-signing-key-file': 'the private key that signs the service account tokens the API server issues.',
  '--service-cluster-ip-range': 'the range Service cluster IPs come from; the first address goes to the `kubernetes` Service, so the certificate names it.',
  '--service-node-port-range': 'the ports NodePort Services may use on every node.',
  '--tls-cert-file': 'the serving certificate (chapter 04): every name and address clients dial must be in it.',
  '--tls-private-key-file': 'the private key of --tls-cert-file.',
  '--v': 'log verbosity; 2 logs what each component does without flooding the journal.',
};

export const controllerManagerFlagMeanings: Record<string, string> = {
  '--allocate-node-cidrs': 'the node IPAM controller gives each new Node a pod range of its own out of --cluster-cidr.',
  '--node-cidr-mask-size-ipv4': "the size of each node's IPv4 pod range, e.g. a /24 out of the cluster range.",
  '--node-cidr-mask-size-ipv6': "the size of each node's IPv6 pod range: a /64 out of the /56, 256 nodes at most.",
  '--cluster-cidr': 'the pod range of the whole cluster, as the lab file says.',
  '--cluster-name': "a prefix for the names of cloud resources; kept at upstream's `kubernetes`.",
  '--cluster-signing-cert-file':
    'the CA certificate that signs certificates approved through CertificateSigningRequests (kubelet serving and client renewals).',
  '--cluster-signing-key-file': "the CA's private key, which is why it lives on the controllers.",
  '--kubeconfig': 'the kubeconfig of chapter 05: the API server this component talks to and who it is there.',
  '--leader-elect': 'of all controller managers running, only the one holding the lease acts; the others wait to take over.',
  '--root-ca-file': "the CA put into every service account's namespace (kube-root-ca.crt), so Pods can trust the API server.",
  '--service-account-private-key-file': 'the key the token controller signs legacy service account token Secrets with; without it that controller is off.',
  '--service-cluster-ip-range': "the Service range, the same as the API server's; controllers that allocate Service IPs read it.",
  '--use-service-account-credentials': 'each controller acts with a service account of its own, so RBAC can limit each one.',
  '--bind-address': "the address the controller manager's own health and metrics port (10257) listens on.",
  '--v': 'log verbosity; 2 logs what each component does without flooding the journal.',
};

export const schedulerFlagMeanings: Record<string, string> = {
  '--config': 'the KubeSchedulerConfiguration file: the kubeconfig and leader election.',
  '--v': 'log verbosity; 2 logs what each component does without flooding the journal.',
};

/** Flags of the tools the steps run. */
export const toolFlagMeanings: Record<string, string> = {
  '--now': 'systemctl starts the unit as well as enabling it.',
  '--kubeconfig': "the kubeconfig kubectl uses: admin's, against the API server on this machine.",
  '--cacert': "the CA curl checks the API server's certificate against.",
  '--max-time': 'curl gives up on a request after this many seconds.',
};
