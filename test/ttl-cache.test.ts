// What the app remembers about GitHub is bounded in age and in size.
import { jest } from "@jest/globals";
import { forgetAllCaches, TtlCache } from "../src/github/ttl-cache.js";

afterEach(() => jest.useRealTimers());

test("an entry older than the age limit is forgotten", () => {
  jest.useFakeTimers({ now: 1_000_000 });
  const cache = new TtlCache<string>(60_000);
  cache.set("uk", "labels");
  jest.setSystemTime(1_000_000 + 59_999);
  expect(cache.get("uk")).toBe("labels");
  jest.setSystemTime(1_000_000 + 60_000);
  expect(cache.get("uk")).toBeUndefined();
});

test("past the size limit the oldest entry goes, so the cache never grows without bound", () => {
  const cache = new TtlCache<number>(60_000, 3);
  for (let i = 0; i < 10; i++) cache.set(`repo-${i}`, i);
  expect(cache.size).toBe(3);
  expect(cache.get("repo-0")).toBeUndefined();
  expect(cache.get("repo-9")).toBe(9);
});

test("every cache can be forgotten at once", () => {
  const a = new TtlCache<number>(60_000);
  const b = new TtlCache<number>(60_000);
  a.set("x", 1);
  b.set("y", 2);
  forgetAllCaches();
  expect([a.size, b.size]).toEqual([0, 0]);
});
