// Which command comments the sweep answers because their delivery was lost: the pure rule.
import { unansweredCommands, type ListedComment } from "../src/features/sweep/lost-commands.js";

const NOW = Date.parse("2026-11-29T12:00:00Z");
const HOUR_AGO = "2026-11-29T11:00:00Z";
const BOT_COMMENT = 100;
const person = (id: number, body: string, reactions = 0): ListedComment => ({
  id,
  body,
  user: { login: "sysadmin", type: "User" },
  reactions: { total_count: reactions },
  created_at: HOUR_AGO,
  updated_at: HOUR_AGO,
});
const lostIds = (comments: ListedComment[], seen: number[] = []) =>
  unansweredCommands(comments, BOT_COMMENT, { seen } as never, NOW).map((c) => c.id);

describe("command comments the app never answered", () => {
  test("a person's commands after the bot comment, with no reaction and not recorded, are answered oldest first, dated when written", () => {
    const lost = unansweredCommands(
      [person(300, "/size M"), person(200, "/severity S1\n/spent 1h")],
      BOT_COMMENT,
      undefined,
      NOW,
    );
    expect(lost.map((c) => c.id)).toEqual([200, 300]);
    expect(lost[0]).toEqual({
      id: 200,
      body: "/severity S1\n/spent 1h",
      login: "sysadmin",
      writtenAt: HOUR_AGO,
    });
  });

  test("a command retyped and answered since, or any newer answered command, wins over the lost one", () => {
    // `/spent 1h` lost, typed again and answered: replaying the first would log the hour twice.
    expect(lostIds([person(200, "/spent 1h"), person(210, "/spent 1h", 1)])).toEqual([]);
    expect(lostIds([person(200, "/severity S1"), person(210, "/severity S3")], [210])).toEqual([]);
    // Lost after the last answered one: still answered.
    expect(lostIds([person(200, "/severity S1", 1), person(210, "/size M")])).toEqual([210]);
  });

  test("anything answered, recorded, older than the bot comment, edited, a day old, without a command or by a bot is left alone", () => {
    const comments = [
      person(50, "/severity S1"), // before the bot's comment: history
      person(300, "Thanks, /etc/nginx looks fine now"), // prose, no command line
      { ...person(400, "/severity S0"), user: { login: "other-app[bot]", type: "Bot" } },
      { ...person(500, "/severity S0"), reactions: undefined }, // counts unknown: not guessed
      { ...person(600, "/severity S2"), updated_at: "2026-11-29T11:30:00Z" }, // edited later
      {
        ...person(700, "/done"),
        created_at: "2026-11-28T11:00:00Z",
        updated_at: "2026-11-28T11:00:00Z",
      },
    ];
    expect(lostIds(comments)).toEqual([]);
    expect(lostIds([person(800, "/severity S1")], [800])).toEqual([]); // recorded as handled
  });

  test("an issue the app never commented on has nothing to replay: its own triage comes first", () => {
    expect(unansweredCommands([person(200, "/severity S1")], undefined, undefined, NOW)).toEqual(
      [],
    );
  });
});
