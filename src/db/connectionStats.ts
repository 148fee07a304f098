/** The database's connections as a moment's snapshot, for metrics. */
export interface ConnectionStats {
  /** Connections there may be at most: the pool's size, or 1 (the embedded database's one session). */
  max: number;
  /** Connections running a statement or holding a transaction. */
  inUse: number;
  /** Connections open with nothing to do. */
  idle: number;
  /** Queries and transactions waiting for a connection. */
  waiting: number;
}

/** A driver-adapter factory that can tell how its connections are used. */
export interface WithConnectionStats {
  connectionStats(): ConnectionStats;
}
