// Unit tests of how times and presence read: node --test src/Client/tests (./test runs them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { dayLabel, lastSeenText, listTime, timeFormat } from "../wwwroot/format.js";

const now = new Date(2026, 11, 3, 15, 30);

test("a day in a chat reads Today, Yesterday, then its date", () => {
  assert.equal(dayLabel(new Date(2026, 11, 3, 0, 5), now), "Today");
  assert.equal(dayLabel(new Date(2026, 11, 2, 23, 59), now), "Yesterday");
  assert.match(dayLabel(new Date(2026, 10, 30, 12), now), /2026/);
});

test("a chat-list line shows the hour today and the date before", () => {
  const earlier = new Date(2026, 11, 3, 9, 15);
  assert.equal(listTime(earlier.toISOString(), now), timeFormat.format(earlier));
  assert.notEqual(listTime(new Date(2026, 11, 1, 9, 15).toISOString(), now), timeFormat.format(new Date(2026, 11, 1, 9, 15)));
});

test("presence reads online, last seen, offline, or nothing for someone whose presence is not shared", () => {
  assert.equal(lastSeenText({ online: true }, now), "online");
  assert.equal(lastSeenText({ displayName: "Ada" }, now), "");
  assert.equal(lastSeenText({ online: false }, now), "offline");
  const seen = new Date(2026, 11, 2, 22, 10);
  assert.equal(lastSeenText({ online: false, lastSeen: seen.toISOString() }, now), `last seen yesterday at ${timeFormat.format(seen)}`);
});
