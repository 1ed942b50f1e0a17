import type { EtcdTls } from './etcd-tls.js';

/** The etcd member list equals the expected members (names and peer URLs), and a leader exists. */
export interface EtcdMembersParams extends EtcdTls {
  endpoints: string[];
  members: Array<{ name: string; peerUrls: string[] }>;
}
