// Whether the work running now still holds its locks. A Redis lock can lapse under a slow or
// restarted Redis while its work goes on; another replica may then take the same issue. Writes
// to GitHub ask first (see github/client.ts): a lapsed lease stops the work before its next
// write, and the queue runs it again under a fresh lock, reading what the other one did.
import { AsyncLocalStorage } from "node:async_hooks";

export interface Lease {
  key: string;
  /** Set when a renewal found the lock gone, or could not renew it for a whole expiry. */
  lost: () => boolean;
  /** The lease this one was taken inside of (an issue's, around a board's). */
  outer?: Lease;
}

const current = new AsyncLocalStorage<Lease>();

export class LeaseLost extends Error {}

/** Run `work` holding `lease` (inside whatever lease is held now). */
export function withLease<T>(lease: Omit<Lease, "outer">, work: () => Promise<T>): Promise<T> {
  return current.run({ ...lease, outer: current.getStore() }, work);
}

/** Throw LeaseLost if any lock the running work holds has lapsed. */
export function assertLeaseHeld(): void {
  for (let lease = current.getStore(); lease; lease = lease.outer) {
    if (lease.lost())
      throw new LeaseLost(`the lock on ${lease.key} lapsed: stopping before a write`);
  }
}
