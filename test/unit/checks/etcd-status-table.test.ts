import { describe, expect, it } from 'vitest';
import { leadersIn } from '../../../checks/etcd-members.js';

// The live parsers run against etcd 3.4 (this machine) and 3.6 (the lab); these pin the header
// reading that lets both column layouts through.
const etcd34 = `+------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
|        ENDPOINT        |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |
+------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
| https://127.0.0.1:2379 | 8e9e05c52164694d |  3.4.23 |   20 kB |     false |      false |         2 |          8 |                  8 |        |
| https://127.0.0.1:2479 | 91bc3c398fb3c146 |  3.4.23 |   20 kB |      true |      false |         2 |          8 |                  8 |        |
+------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+`;

const etcd36 = `+----------------------------+------------------+---------+-----------------+---------+--------+-----------------------+--------+-----------+------------+-----------+------------+--------------------+--------+--------------------------+-------------------+
|          ENDPOINT          |        ID        | VERSION | STORAGE VERSION | DB SIZE | IN USE | PERCENTAGE NOT IN USE | QUOTA  | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS | DOWNGRADE TARGET VERSION | DOWNGRADE ENABLED |
+----------------------------+------------------+---------+-----------------+---------+--------+-----------------------+--------+-----------+------------+-----------+------------+--------------------+--------+--------------------------+-------------------+
| https://[fd00:81::20]:2379 | a50299ed3d38512c |  3.6.17 |           3.6.0 |   20 kB |  16 kB |                   20% | 2.1 GB |      true |      false |         2 |         11 |                 11 |        |                          |             false |
| https://[fd00:81::21]:2379 | 1f0e8a2b3c4d5e6f |  3.6.17 |           3.6.0 |   20 kB |  16 kB |                   20% | 2.1 GB |     false |      false |         2 |         11 |                 11 |        |                          |             false |
+----------------------------+------------------+---------+-----------------+---------+--------+-----------------------+--------+-----------+------------+-----------+------------+--------------------+--------+--------------------------+-------------------+`;

describe('leadersIn reads endpoint status by its header', () => {
  it('finds the leader in the etcd 3.4/3.5 layout', () => {
    expect(leadersIn(etcd34)).toEqual([{ endpoint: 'https://127.0.0.1:2479', id: '91bc3c398fb3c146' }]);
  });
  it('finds the leader in the etcd 3.6 layout, where IS LEADER moved right', () => {
    expect(leadersIn(etcd36)).toEqual([{ endpoint: 'https://[fd00:81::20]:2379', id: 'a50299ed3d38512c' }]);
  });
  it('finds none when no row says true, or when there is no table at all', () => {
    expect(leadersIn(etcd36.replace('|      true |', '|     false |'))).toEqual([]);
    expect(leadersIn('Error: context deadline exceeded')).toEqual([]);
  });
});
