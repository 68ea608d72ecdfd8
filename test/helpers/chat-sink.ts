// A Slack-compatible incoming webhook on loopback that records the text of every message.
import { createServer, type Server } from "node:http";
import { freePort } from "./loopback.js";

export interface ChatSink {
  url: string;
  chat: string[];
  server: Server;
}

export async function chatSink(): Promise<ChatSink> {
  const chat: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      chat.push((JSON.parse(body) as { text: string }).text);
      res.end("ok");
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}/hook`, chat, server };
}
