// Unit tests of how times and presence read: node --test src/Client/tests (./test runs them).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  canEdit, changeText, dayLabel, durationText, fileTypeText, lastSeenText, listTime, previewText, sizeText, summaryText, timeFormat,
} from "../wwwroot/format.js";

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

const names = new Map([[1, "Ada"], [2, "Bob"], [3, "Carol"], [4, "Dan"]]);
const nameOf = userId => (userId === 1 ? "You" : names.get(userId) ?? String(userId));

test("a group change reads as a sentence with the names known", () => {
  assert.equal(changeText({ kind: "created", actorId: 2, userIds: [2, 1, 3], name: "Club" }, nameOf), "Bob created the group “Club”");
  assert.equal(changeText({ kind: "added", actorId: 1, userIds: [3, 4, 99] }, nameOf), "You added Carol, Dan and 99");
  assert.equal(changeText({ kind: "removed", actorId: 2, userIds: [1] }, nameOf), "Bob removed You");
  assert.equal(changeText({ kind: "left", actorId: 3, userIds: [3] }, nameOf), "Carol left");
  assert.equal(changeText({ kind: "joined", actorId: 3, userIds: [3] }, nameOf), "Carol joined");
  assert.equal(changeText({ kind: "renamed", actorId: 4, userIds: [], name: "Book club" }, nameOf), "Dan renamed the group to “Book club”");
});

test("a chat-list preview names a group message's sender, and says when a message was deleted", () => {
  const text = { kind: "text", fromUserId: 2, content: "hi" };
  assert.equal(previewText(text, { me: 1, nameOf, inGroup: true }), "Bob: hi");
  assert.equal(previewText(text, { me: 1, nameOf, inGroup: false }), "hi");
  assert.equal(previewText({ ...text, fromUserId: 1 }, { me: 1, nameOf, inGroup: true }), "You: hi");
  assert.equal(previewText({ ...text, kind: "deleted", content: "" }, { me: 1, nameOf, inGroup: true }), "🚫 This message was deleted");
});

test("a message can be edited for 15 minutes after it was sent, and only a text", () => {
  const sent = new Date(2026, 11, 3, 15, 0);
  const message = { kind: "text", createdAt: sent.toISOString() };
  assert.equal(canEdit(message, sent.getTime() + 14 * 60_000), true);
  assert.equal(canEdit(message, sent.getTime() + 16 * 60_000), false);
  assert.equal(canEdit({ ...message, kind: "deleted" }, sent.getTime()), false);
});

test("a medium reads as its icon and caption, or without one as what it is, as the gateway words it", () => {
  const photo = { kind: "photo", fromUserId: 2, content: "", media: { fileName: "IMG_1.jpg" } };
  assert.equal(previewText(photo, { me: 1, nameOf, inGroup: true }), "Bob: 📷 Photo");
  assert.equal(previewText({ ...photo, content: "The view" }, { me: 1, nameOf, inGroup: false }), "📷 The view");
  assert.equal(summaryText({ kind: "document", content: "", media: { fileName: "report.pdf" } }), "📄 report.pdf");
  assert.equal(summaryText({ kind: "voiceNote", content: "", media: { durationMs: 61_500 } }), "🎤 Voice note (1:01)");
  // The chat list's line and a quote come worded by the gateway, without the medium.
  assert.equal(summaryText({ kind: "voiceNote", content: "Voice note (0:04)" }), "🎤 Voice note (0:04)");
  assert.equal(summaryText({ kind: "text", content: "hi" }), "hi");
});

test("durations read m:ss, sizes in B, KB, MB, and a document's type by its extension", () => {
  assert.equal(durationText(999), "0:00");
  assert.equal(durationText(4200), "0:04");
  assert.equal(durationText(15 * 60_000), "15:00");
  assert.equal(sizeText(900), "900 B");
  assert.equal(sizeText(12_345), "12 KB");
  assert.equal(sizeText(1_400_000), "1.4 MB");
  assert.equal(fileTypeText("invoice1.pdf", "application/pdf"), "PDF");
  assert.equal(fileTypeText("notes", "text/plain"), "PLAIN");
  assert.equal(fileTypeText("blob", "application/octet-stream"), "File");
});
