import type { EtcdTls } from './etcd-tls.js';

/**
 * Health of each etcd member, asked one endpoint at a time: `etcdctl endpoint health` over the
 * whole set exits 1 when any member is down, which would hide which one. The members are asked in
 * parallel on the host so a dead one costs one timeout, not one per member.
 */
export interface EtcdHealthParams extends EtcdTls {
  members: Array<{ name: string; clientUrl: string }>;
  /** `all` (default): every member healthy. `quorum`: a majority healthy (still naming the sick ones). */
  require: 'all' | 'quorum';
}
