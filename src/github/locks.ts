// Work on one key at a time, in arrival order, inside this process: label creation per
// repository (a burst reads the label list once and creates each label once) and, without a
// shared coordinator, board placements. Across replicas, see src/coordination/.
import { KeyedLock } from "../coordination/keyed-lock.js";

const issues = new KeyedLock();
const boards = new KeyedLock();

export const withIssueLock = <T>(key: string, work: () => Promise<T>) => issues.run(key, work);
export const withBoardLock = <T>(key: string, work: () => Promise<T>) => boards.run(key, work);
