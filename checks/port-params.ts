/** A TCP port in LISTEN state, on a given address (a wildcard listener covers it) or on any. */
export interface PortParams {
  port: number;
  address?: string;
  /** Expect nothing listening on the port instead. */
  closed: boolean;
}
