// Make the issue's card on the sysadmin pipe board match the plan. Called by the handler after
// the plan is decided; it never throws for board problems, it explains them.
import type { BoardConfig } from "../registry/policy.js";
import type { Registry } from "../registry/schema.js";
import {
  boardTarget,
  hasBoardWrites,
  placeInReady,
  planBoardWrites,
  sameAsRecorded,
  sameName,
  valueOf,
  type BoardRecord,
  type IssueState,
  type ReadyCard,
} from "../triage/card.js";
import type { TimeLog, TriagePlan } from "../triage/types.js";
import {
  addCard,
  addIssueToBoard,
  archiveCard,
  BoardError,
  explainBoardError,
  setCardFields,
  loadBoardMeta,
  MAX_BOARD_PAGES,
  readIssueOnBoard,
  readMoreReady,
  unarchiveCard,
  type BoardMeta,
  type IssueOnBoard,
} from "./board-api.js";
import { withBoardLock } from "./locks.js";
import type { GitHub, IssueRef, Logger } from "./client-types.js";

export interface BoardOutcome {
  record?: BoardRecord;
  /** A sentence for the bot comment: what went wrong, or what changed that people must know. */
  note?: string;
}

export interface BoardContext {
  github: GitHub;
  ref: IssueRef;
  config: BoardConfig | undefined;
  registry: Registry;
  /** Board ids are cached per installation. */
  cacheKey: string;
  /** The issue's GraphQL id (the payload's node_id): lets a first filing add and read at once. */
  issueId?: string;
  log: Logger;
}

function isStaleId(error: unknown): boolean {
  const text = JSON.stringify(
    (error as { errors?: unknown }).errors ?? (error as Error).message ?? "",
  );
  return /does not belong to the field|Could not resolve to a node|option .*not found|field .*not found/i.test(
    text,
  );
}

async function apply(
  ctx: BoardContext,
  config: BoardConfig,
  meta: BoardMeta,
  plan: TriagePlan,
  state: IssueState,
  record: BoardRecord | undefined,
  time: TimeLog | undefined,
): Promise<BoardOutcome> {
  const { github, ref } = ctx;
  const target = boardTarget(plan, state, ctx.registry, time);
  // An issue the app has never filed is added straight away: the add returns the card (or the
  // one someone already added) and the board, saving a read. Otherwise read first: the card may
  // have been moved, archived or removed by a person.
  const onBoard =
    record === undefined && target.onBoard && ctx.issueId
      ? await addIssueToBoard(github, meta, config, ctx.issueId)
      : await readIssueOnBoard(github, meta, config, ref);
  const writes = planBoardWrites(target, onBoard.item, record, config);
  const setsStatus = writes.set.some((s) => s.field === "status");
  const inWantedColumn = sameName(
    valueOf(onBoard.item, config.status_field),
    config.columns[target.column ?? "ready"],
  );
  // Remember the column the app set; a column someone chose by hand stays theirs.
  const nextRecord: BoardRecord | undefined = target.onBoard
    ? {
        column: setsStatus || inWantedColumn ? target.column : record?.column,
        ...(target.hours !== undefined ? { hours: target.hours } : {}),
        values: target.values,
      }
    : record?.archived
      ? record
      : undefined;
  if (!hasBoardWrites(writes)) return { record: nextRecord };

  if (writes.archive && onBoard.item) {
    await archiveCard(github, meta, onBoard.item.id);
    return { record: { archived: true } };
  }
  let itemId = onBoard.item?.id;
  if (writes.add) {
    itemId = await addCard(github, meta, onBoard.issueId);
  } else if (writes.unarchive && itemId) {
    await unarchiveCard(github, meta, itemId);
  }
  if (!itemId) throw new BoardError("GitHub did not return the card it added");
  const after = writes.position
    ? (placeInReady(
        {
          id: itemId,
          severity: target.values.severity,
          tier: target.values.tier,
          createdAt: onBoard.createdAt,
        },
        await allReady(ctx, meta, config, onBoard),
      ) ?? null)
    : undefined;
  await setCardFields(github, meta, config, itemId, {
    set: writes.set,
    after,
    hours: writes.hours,
  });
  return { record: nextRecord };
}

/** The Ready cards of the whole board: more pages only for a board past a hundred cards. */
async function allReady(
  ctx: BoardContext,
  meta: BoardMeta,
  config: BoardConfig,
  onBoard: IssueOnBoard,
): Promise<ReadyCard[]> {
  if (!onBoard.morePages) return onBoard.ready;
  const more = await readMoreReady(ctx.github, meta, config, onBoard.morePages);
  if (!more.complete) {
    ctx.log.warn(
      { board: `${config.owner}/${config.number}`, pages: MAX_BOARD_PAGES },
      "the board has more cards than the app reads to order Ready; archive Done cards to keep it short",
    );
  }
  return [...onBoard.ready, ...more.ready];
}

/** Sync the card; board trouble becomes a note, never a failed triage. */
export async function syncBoard(
  ctx: BoardContext,
  plan: TriagePlan,
  state: IssueState,
  record: BoardRecord | undefined,
  time?: TimeLog,
): Promise<BoardOutcome> {
  const config = ctx.config;
  if (!config || config.number === null) return { record };
  if (sameAsRecorded(boardTarget(plan, state, ctx.registry, time), record)) return { record };
  try {
    const meta = await loadBoardMeta(ctx.github, config, ctx.cacheKey);
    // One placement on a board at a time: each reads Ready after the previous card took its place.
    const locked = (m: BoardMeta) =>
      withBoardLock(m.projectId, () => apply(ctx, config, m, plan, state, record, time));
    try {
      return await locked(meta);
    } catch (error) {
      if (
        !isStaleId(error) &&
        !(error instanceof BoardError && /has no (field|option)/.test(error.message))
      )
        throw error;
      // Ids change when someone edits the project's fields: look them up again, once.
      ctx.log.info(
        { issue: `${ctx.ref.owner}/${ctx.ref.repo}#${ctx.ref.issue_number}` },
        "board ids looked stale; refreshing",
      );
      const fresh = await loadBoardMeta(ctx.github, config, ctx.cacheKey, true);
      return await locked(fresh);
    }
  } catch (error) {
    const reason = explainBoardError(error, config);
    ctx.log.warn(
      {
        issue: `${ctx.ref.owner}/${ctx.ref.repo}#${ctx.ref.issue_number}`,
        board: `${config.owner}/${config.number}`,
      },
      `could not update the sysadmin pipe board: ${reason}`,
    );
    return { record, note: `Could not add this to the board: ${reason}.` };
  }
}
