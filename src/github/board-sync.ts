// Make the issue's card on the sysadmin pipe board match the plan. Called by the handler after
// the plan is decided; it never throws for board problems, it explains them.
import type { BoardConfig } from "../registry/policy.js";
import type { Registry } from "../registry/schema.js";
import {
  boardTarget,
  cardNumbers,
  hasBoardWrites,
  placeInReady,
  planBoardWrites,
  sameAsRecorded,
  sameName,
  valueOf,
  type BoardRecord,
  type BoardTarget,
  type IssueState,
  type ReadyCard,
} from "../triage/card.js";
import type { TimeLog, TriagePlan } from "../triage/types.js";
import type { ResponseClock } from "../triage/state.js";
import {
  addCard,
  addIssueToBoard,
  archiveCard,
  BoardError,
  explainBoardError,
  numbersTheBoardHas,
  respondByTheBoardHas,
  setCardFields,
  loadBoardMeta,
  MAX_BOARD_PAGES,
  readIssueOnBoard,
  readMoreReady,
  unarchiveCard,
  type BoardMeta,
  type IssueOnBoard,
} from "./board-api.js";
import { ensureLabels, forgetLabelIds, type LabelsToAdd } from "./label-store.js";
import { withBoardLock } from "./locks.js";
import type { GitHub, IssueRef } from "./client-types.js";
import type { Logger } from "../logger.js";

export interface BoardOutcome {
  record?: BoardRecord;
  /** A sentence for the bot comment: what went wrong, or what changed that people must know. */
  note?: string;
  /** Labels the add-card mutation put on the issue: not to be added again. */
  labeled?: string[];
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
  /** The labels the issue is about to get: a first filing adds them in its add-card mutation. */
  labels?: LabelsToAdd;
  log: Logger;
}

/** One sync's inputs, and the labels it added along the way. */
interface Sync {
  plan: TriagePlan;
  state: IssueState;
  record: BoardRecord | undefined;
  time: TimeLog | undefined;
  response: ResponseClock | undefined;
  /** Ids of the new labels, when the card is added in one request (a first filing). */
  labelIds: Map<string, string>;
  labeled: string[];
}

const where = (ctx: BoardContext) => `${ctx.ref.owner}/${ctx.ref.repo}#${ctx.ref.issue_number}`;

function isStaleId(error: unknown): boolean {
  const text = JSON.stringify(
    (error as { errors?: unknown }).errors ?? (error as Error).message ?? "",
  );
  return /does not belong to the field|Could not resolve to a node|option .*not found|field .*not found/i.test(
    text,
  );
}

/** An issue the app has never filed is added in one request (see addCardAtOnce). */
const addsAtOnce = (ctx: BoardContext, target: BoardTarget, record: BoardRecord | undefined) =>
  record === undefined && target.onBoard && ctx.issueId !== undefined;

/**
 * Add the card straight away: the add returns the card (or the one someone already added) and
 * the board, saving a read, and adds the issue's new labels, saving a write.
 */
async function addCardAtOnce(
  ctx: BoardContext,
  config: BoardConfig,
  meta: BoardMeta,
  sync: Sync,
): Promise<IssueOnBoard> {
  const names = [...sync.labelIds.keys()];
  const ids = [...sync.labelIds.values()];
  const added = await addIssueToBoard(ctx.github, meta, config, ctx.issueId!, ids);
  if (added.labeled) sync.labeled = names;
  else if (names.length) {
    // GitHub refused an id we had cached: read the labels again next time; REST adds them now.
    forgetLabelIds(ctx.ref);
    ctx.log.info({ issue: where(ctx), labels: names }, "label ids were stale; adding by REST");
  }
  return added;
}

async function apply(
  ctx: BoardContext,
  config: BoardConfig,
  meta: BoardMeta,
  sync: Sync,
): Promise<BoardOutcome> {
  const { github, ref } = ctx;
  const { record } = sync;
  const target = boardTarget(sync.plan, sync.state, ctx.registry, sync.time, sync.response);
  // Any other sync reads first: the card may have been moved, archived or removed by a person.
  const onBoard = addsAtOnce(ctx, target, record)
    ? await addCardAtOnce(ctx, config, meta, sync)
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
        ...cardNumbers(target),
        values: target.values,
        ...(target.respondBy ? { respondBy: target.respondBy } : {}),
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
  const { numbers, missing } = numbersTheBoardHas(meta, config, writes.numbers);
  const day = respondByTheBoardHas(meta, config, writes.respondBy);
  warnMissing(ctx, "number", missing);
  warnMissing(ctx, "date", day.missing);
  await setCardFields(github, meta, config, itemId, {
    set: writes.set,
    after,
    numbers,
    respondBy: day.respondBy,
  });
  return { record: nextRecord };
}

/** A board set up before a field existed gets the card without it; `board setup` adds it. */
function warnMissing(ctx: BoardContext, kind: "number" | "date", fields: string[]): void {
  if (!fields.length) return;
  ctx.log.warn(
    { issue: where(ctx), fields },
    `the board has no such ${kind} field: the card is written without it (run \`sysadmin-pipe board setup\`)`,
  );
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

/** What a use case asks of the board: the card its plan wants, from what was recorded. */
export interface BoardRequest {
  context: Omit<BoardContext, "github" | "ref">;
  plan: TriagePlan;
  state: IssueState;
  record: BoardRecord | undefined;
  time?: TimeLog;
  /** The response promise's clock after this decision: the card shows when it is due. */
  response?: ResponseClock;
}

/** Sync the card; board trouble becomes a note, never a failed triage. */
export async function syncBoard(ctx: BoardContext, request: BoardRequest): Promise<BoardOutcome> {
  const { plan, state, record, time, response } = request;
  const config = ctx.config;
  if (!config || config.number === null) return { record };
  const target = boardTarget(plan, state, ctx.registry, time, response);
  if (sameAsRecorded(target, record)) return { record };
  const sync: Sync = { plan, state, record, time, response, labelIds: new Map(), labeled: [] };
  try {
    const meta = await loadBoardMeta(ctx.github, config, ctx.cacheKey);
    if (addsAtOnce(ctx, target, record)) sync.labelIds = await newLabelIds(ctx);
    // One placement on a board at a time: each reads Ready after the previous card took its place.
    const locked = (m: BoardMeta) => withBoardLock(m.projectId, () => apply(ctx, config, m, sync));
    try {
      return { ...(await locked(meta)), labeled: sync.labeled };
    } catch (error) {
      if (
        !isStaleId(error) &&
        !(error instanceof BoardError && /has no (field|option)/.test(error.message))
      )
        throw error;
      // Ids change when someone edits the project's fields: look them up again, once.
      ctx.log.info({ issue: where(ctx) }, "board ids looked stale; refreshing");
      const fresh = await loadBoardMeta(ctx.github, config, ctx.cacheKey, true);
      // The stale id may have been a label's: the retry leaves the labels to REST.
      if (sync.labelIds.size && !sync.labeled.length) {
        forgetLabelIds(ctx.ref);
        sync.labelIds = new Map();
      }
      return { ...(await locked(fresh)), labeled: sync.labeled };
    }
  } catch (error) {
    const reason = explainBoardError(error, config);
    ctx.log.warn(
      { issue: where(ctx), board: `${config.owner}/${config.number}` },
      `could not update the sysadmin pipe board: ${reason}`,
    );
    // Labels the add-card mutation did add stay added; the others go by REST.
    return {
      record: { ...record, failed: true },
      note: `Could not add this to the board: ${reason}.`,
      labeled: sync.labeled,
    };
  }
}

/**
 * The ids of the labels the issue is about to get (created first where missing). Label trouble
 * is not board trouble: without ids the labels simply go by REST, after the board.
 */
async function newLabelIds(ctx: BoardContext): Promise<Map<string, string>> {
  if (!ctx.labels?.names.length) return new Map();
  try {
    return await ensureLabels(ctx.github, ctx.ref, ctx.labels.names, ctx.labels.style, ctx.log);
  } catch (error) {
    ctx.log.warn(
      { issue: where(ctx), error: String(error) },
      "could not read the label ids; adding labels by REST",
    );
    return new Map();
  }
}
