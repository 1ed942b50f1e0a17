/** What each flag of the etcd unit does, in a sentence: the "explain" glossary of the member steps. */
export const etcdFlagMeanings: Record<string, string> = {
  '--name': "this member's name; it must match its entry in --initial-cluster, or the member cannot find itself there.",
  '--data-dir': 'where the write-ahead log and the snapshots live: the whole state of the cluster, Secrets included.',
  '--listen-peer-urls': 'the addresses this member accepts other members on (Raft traffic and snapshots).',
  '--initial-advertise-peer-urls': 'the peer address this member tells the others to use; it must appear in --initial-cluster under its --name.',
  '--listen-client-urls': 'the addresses clients (the API server, etcdctl) connect to; loopback is added so local tools work without the network.',
  '--advertise-client-urls': 'the client address this member publishes to clients that ask the cluster where its members are.',
  '--initial-cluster': 'every founding member as name=peer URL: read only when the cluster is first formed, ignored once the data directory exists.',
  '--initial-cluster-token': 'a name for this cluster, so members of another cluster on the same addresses are never mistaken for peers.',
  '--initial-cluster-state': '`new` forms a new cluster; a member added to a running cluster later would say `existing`.',
  '--client-cert-auth': 'clients must present a certificate signed by --trusted-ca-file: no certificate, no access.',
  '--trusted-ca-file': "the CA that client certificates must chain to (the lab's CA from chapter 4).",
  '--cert-file': 'the certificate this member serves to clients; its SANs must include the address clients dial.',
  '--key-file': 'the private key of --cert-file, readable by root only.',
  '--peer-client-cert-auth': 'other members must present a certificate signed by --peer-trusted-ca-file: a stranger cannot join.',
  '--peer-trusted-ca-file': 'the CA that peer certificates must chain to.',
  '--peer-cert-file': 'the certificate this member presents to its peers, in both directions of a peer connection.',
  '--peer-key-file': 'the private key of --peer-cert-file.',
  '--listen-metrics-urls': 'a separate plain-HTTP listener for /metrics and /health, so Prometheus needs no client certificate.',
  '--heartbeat-interval': 'how often, in ms, the leader tells followers it is alive; about the round trip between members.',
  '--election-timeout': 'how long, in ms, a follower waits without a heartbeat before it calls an election; ten heartbeats here.',
  '--feature-gates': 'turns on the data corruption checks at start-up and at compaction (etcd 3.6 moved them behind feature gates).',
  '--experimental-initial-corrupt-check': "at start-up, compares this member's data with its peers' before serving (3.5's name for the check).",
  '--experimental-compact-hash-check-enabled': 'after each compaction, compares hashes with the peers to catch silent corruption early.',
  '--snapshot-count': "how many applied entries between snapshots; 3.6's lower default, so less of the log is held in memory.",
};

/** The systemctl and etcdctl flags of the member steps (the unit's start, the defragmentation service). */
export const toolFlagMeanings: Record<string, string> = {
  '--now': 'systemctl starts the unit as well as enabling it, and waits until etcd reports ready.',
  '--no-block': 'systemctl queues the start and returns at once, instead of waiting until the member reports ready (which needs a quorum).',
  '--endpoints': 'the members etcdctl talks to, as client URLs.',
  '--cacert': 'the CA etcdctl trusts when a member presents its certificate.',
  '--cert': 'the client certificate etcdctl presents, since the members require one (--client-cert-auth).',
  '--key': 'the private key of that client certificate.',
  '--dial-timeout': 'how long etcdctl tries to connect before it gives up on a member.',
  '--command-timeout': 'how long one request may take; a defragmentation blocks the member while it runs, so it gets longer.',
  '--cluster': 'asks the whole member list, not only --endpoints: every member must answer healthy.',
};

/** The etcdctl flags of the commands that talk to members (TLS ones only on a TLS cluster). */
export function etcdctlFlags(tls: boolean, extra: string[] = []): string[] {
  return ['--endpoints', ...(tls ? ['--cacert', '--cert', '--key'] : []), '--dial-timeout', '--command-timeout', ...extra];
}
