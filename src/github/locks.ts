// Work on one key at a time, in arrival order, inside this process: a repository's label
// creation (a burst reads the label list once and creates each label once) and a board's
// placements (each reads Ready after the previous card took its place). In the app all work goes
// through the queue, one item at a time per installation across replicas, so these only matter
// where work runs beside each other in one process: handler tests run deliveries inline, and
// the command line without Redis runs the sweep's work itself.
import { KeyedLock } from "../coordination/keyed-lock.js";

const labels = new KeyedLock();
const boards = new KeyedLock();

export const withLabelLock = <T>(key: string, work: () => Promise<T>) => labels.run(key, work);
export const withBoardLock = <T>(key: string, work: () => Promise<T>) => boards.run(key, work);
