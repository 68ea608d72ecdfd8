// Which command comments the sweep answers because their delivery was lost: the pure rule.
import { unansweredCommands, type ListedComment } from "../src/reconcile/lost-commands.js";

const BOT_COMMENT = 100;
const person = (id: number, body: string, reactions = 0): ListedComment => ({
  id,
  body,
  user: { login: "sysadmin", type: "User" },
  reactions: { total_count: reactions },
});

describe("command comments the app never answered", () => {
  test("a person's command after the bot comment, with no reaction and not recorded, is answered, oldest first", () => {
    const lost = unansweredCommands(
      [person(300, "/size M"), person(200, "/severity S1\n/spent 1h")],
      BOT_COMMENT,
      undefined,
    );
    expect(lost.map((c) => c.id)).toEqual([200, 300]);
    expect(lost[0]).toEqual({ id: 200, body: "/severity S1\n/spent 1h", login: "sysadmin" });
  });

  test("anything answered, recorded, older than the bot comment, or without a command is left alone", () => {
    const comments = [
      person(50, "/severity S1"), // before the bot's comment: history
      person(200, "/severity S1", 1), // the app (or anyone) reacted: answered
      person(300, "/severity S1"), // recorded as handled
      person(400, "Thanks, /etc/nginx looks fine now"), // prose, no command line
      { ...person(500, "/severity S0"), user: { login: "other-app[bot]", type: "Bot" } },
      { ...person(600, "/severity S0"), reactions: undefined }, // counts unknown: not guessed
    ];
    expect(unansweredCommands(comments, BOT_COMMENT, { seen: [300] } as never)).toEqual([]);
  });

  test("an issue the app never commented on has nothing to replay: its own triage comes first", () => {
    expect(unansweredCommands([person(200, "/severity S1")], undefined, undefined)).toEqual([]);
  });
});
