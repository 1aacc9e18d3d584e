// Unit tests of the chat's state transitions: node --test src/Client/tests (./test runs them).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  applyChange, applyReceipt, conversationIdOf, groupAfterChange, groupConversationId, groupIdOf, lineAfterChange, lineAfterMessage,
  failoverText, followOutages, lineAfterOwnReceipt, linesByRecency, mergeStored, outageAt, pageLeavesAGap, pathSteps, servingNote,
  shardOfConversation, fitWithin, isMedia, mediaKey, nextSlice, waveformOf,
} from "../wwwroot/store.js";

const message = (sequence, fromUserId, extra = {}) =>
  ({ conversationId: "3-7", sequence, fromUserId, toUserId: fromUserId === 3 ? 7 : 3, content: `m${sequence}`, status: "sent", ...extra });

test("a conversation is named by the lower id first, whoever asks", () => {
  assert.equal(conversationIdOf(7, 3), "3-7");
  assert.equal(conversationIdOf(3, 7), "3-7");
});

test("a conversation's shard is unknown until the shard count is", () => {
  assert.equal(shardOfConversation("4-9", null), null);
  assert.equal(shardOfConversation("4-9", 3), 1);
});

test("merging a stored message ends its pending copy and keeps messages by sequence", () => {
  const pending = new Map([["c1", { clientMessageId: "c1", content: "hi" }]]);
  const { messages, pending: left } = mergeStored(new Map(), pending, [message(1, 3, { clientMessageId: "c1" })]);
  assert.deepEqual([...messages.keys()], [1]);
  assert.equal(left.size, 0);
  assert.equal(pending.size, 1, "the input is not changed");
});

test("a tick never goes back when an older copy of a message arrives", () => {
  const read = new Map([[1, message(1, 3, { status: "read" })]]);
  const { messages } = mergeStored(read, new Map(), [message(1, 3, { status: "sent" })]);
  assert.equal(messages.get(1).status, "read");
});

test("a read receipt turns my messages up to its sequence read, and no one else's", () => {
  const messages = new Map([[1, message(1, 3)], [2, message(2, 7)], [3, message(3, 3)]]);
  const after = applyReceipt(messages, 3, { conversationId: "3-7", userId: 7, kind: "read", upToSequence: 2 });
  assert.equal(after.get(1).status, "read");
  assert.equal(after.get(2).status, "sent");
  assert.equal(after.get(3).status, "sent");
});

test("a delivered receipt never turns a read message back", () => {
  const messages = new Map([[1, message(1, 3, { status: "read" })]]);
  const after = applyReceipt(messages, 3, { kind: "delivered", upToSequence: 1 });
  assert.equal(after.get(1).status, "read");
});

test("a chat-list line counts a peer's new message unread unless the chat is in view", () => {
  const line = lineAfterMessage(undefined, message(1, 7), { me: 3, peer: { userId: 7 }, seen: false });
  assert.equal(line.unreadCount, 1);
  const second = lineAfterMessage(line, message(2, 7), { me: 3, peer: undefined, seen: false });
  assert.equal(second.unreadCount, 2);
  assert.deepEqual(second.peer, { userId: 7 });
  assert.equal(lineAfterMessage(second, message(3, 7), { me: 3, seen: true }).unreadCount, 0);
  assert.equal(lineAfterMessage(second, message(3, 3), { me: 3, seen: false }).unreadCount, 0);
});

test("an older message leaves the chat-list line as it is", () => {
  const line = lineAfterMessage(undefined, message(5, 7), { me: 3, seen: false });
  assert.equal(lineAfterMessage(line, message(4, 7), { me: 3, seen: false }), line);
});

test("my own read receipt from another tab clears the unread count only when it reaches the last message", () => {
  const line = { conversationId: "3-7", lastMessage: message(4, 7), unreadCount: 2 };
  assert.equal(lineAfterOwnReceipt(line, { kind: "read", upToSequence: 3 }).unreadCount, 2);
  assert.equal(lineAfterOwnReceipt(line, { kind: "read", upToSequence: 4 }).unreadCount, 0);
  assert.equal(lineAfterOwnReceipt(line, { kind: "delivered", upToSequence: 4 }).unreadCount, 2);
});

test("the chat list shows the latest conversation first", () => {
  const inbox = new Map([
    ["1-2", { conversationId: "1-2", lastMessage: { createdAt: "2026-12-01T10:00:00Z" } }],
    ["1-3", { conversationId: "1-3", lastMessage: { createdAt: "2026-12-02T09:00:00Z" } }],
    ["1-4", { conversationId: "1-4", lastMessage: { createdAt: "2026-11-30T23:00:00Z" } }],
  ]);
  assert.deepEqual(linesByRecency(inbox).map(line => line.conversationId), ["1-3", "1-2", "1-4"]);
});

test("after a reconnect, history is paged back until it meets the newest message the chat showed", () => {
  const page = (first, hasMore) => ({ messages: [message(first, 7), message(first + 49, 7)], hasMore });
  assert.equal(pageLeavesAGap(10, page(61, true)), true, "sequences 11 to 60 are still missing");
  assert.equal(pageLeavesAGap(10, page(11, true)), false, "the page starts right after what was shown");
  assert.equal(pageLeavesAGap(10, page(5, true)), false, "the page overlaps what was shown");
  assert.equal(pageLeavesAGap(0, page(61, true)), false, "a chat that showed nothing needs only the newest page");
  assert.equal(pageLeavesAGap(10, page(61, false)), false, "nothing is older than the first message");
  assert.equal(pageLeavesAGap(10, { messages: [], hasMore: true }), false);
});

test("the shard note says when the open chat's shard is served by a fallback, then by a new silo, and hides without one", () => {
  const shards = (status, servedBy) => [{ shard: 0, status: "up", servedBy: "silo-0" }, { shard: 1, status, servedBy }];
  assert.deepEqual(servingNote(shards("up", "silo-1"), 1, null), { servedBy: "silo-1", text: undefined });
  assert.deepEqual(servingNote(shards("down", "silo-2"), 1, "silo-1"),
    { servedBy: "silo-2", text: "Shard 1's silo is down: this chat is served by silo-2." });
  assert.deepEqual(servingNote(shards("up", "silo-1b"), 1, "silo-2"), { servedBy: "silo-1b", text: "Shard 1 is served by a new silo: silo-1b." });
  assert.equal(servingNote(shards("down", null), 1, null).text, "Shard 1's silo is down: this chat is served by no silo yet.");
  assert.deepEqual(servingNote(shards("up", "silo-1"), -1, "silo-1"), { servedBy: null, text: null });
});

test("a group's conversation is g and its id, and lives on the group id's shard", () => {
  assert.equal(groupConversationId(731), "g731");
  assert.equal(groupIdOf("g731"), 731);
  assert.equal(groupIdOf("3-7"), null);
  assert.equal(shardOfConversation("g731", 3), 731 % 3);
});

test("an edit, a delete or a reaction replaces the message the chat shows, and only that one", () => {
  const shown = new Map([[1, message(1, 3, { status: "read" })]]);
  const edited = applyChange(shown, message(1, 3, { content: "edited", status: "sent", editedAt: "2026-12-04T03:00:00Z" }));
  assert.equal(edited.get(1).content, "edited");
  assert.equal(edited.get(1).status, "read", "the tick does not go back");
  assert.equal(applyChange(shown, message(9, 3)), shown, "a message the chat has not loaded stays unloaded");
});

test("a chat-list line follows a change of its last message only", () => {
  const line = { conversationId: "3-7", lastMessage: message(2, 3), unreadCount: 0 };
  assert.equal(lineAfterChange(line, message(2, 3, { kind: "deleted", content: "" })).lastMessage.kind, "deleted");
  assert.equal(lineAfterChange(line, message(1, 3, { kind: "deleted" })), line);
});

test("a group change renames the group and says whether I am still in it", () => {
  const group = { groupId: 5, name: "Club", isMember: true };
  assert.equal(groupAfterChange(group, { kind: "renamed", actorId: 3, userIds: [], name: "Book club" }, 7).name, "Book club");
  assert.equal(groupAfterChange(group, { kind: "removed", actorId: 3, userIds: [7] }, 7).isMember, false);
  assert.equal(groupAfterChange(group, { kind: "removed", actorId: 3, userIds: [8] }, 7).isMember, true);
  assert.equal(groupAfterChange({ groupId: 5 }, { kind: "added", actorId: 3, userIds: [7] }, 7).isMember, true);
  assert.equal(groupAfterChange({ groupId: 5, isMember: false }, { kind: "joined", actorId: 7, userIds: [7] }, 7).isMember, true);
});

test("a group message moves the group's line, keeping the group", () => {
  const line = lineAfterMessage(undefined, { ...message(4, 3), conversationId: "g5", groupId: 5, toUserId: null }, { me: 7, peer: null, group: { groupId: 5, name: "Club" }, seen: false });
  assert.deepEqual([line.groupId, line.group.name, line.unreadCount, line.peer ?? null], [5, "Club", 1, null]);
});

test("followOutages opens a window when a shard is seen down and closes it when the shard is seen active", () => {
  const down = [{ shard: 0, status: "active" }, { shard: 1, status: "down" }];
  const up = [{ shard: 0, status: "active" }, { shard: 1, status: "active" }];
  const opened = followOutages([], down, 1000);
  assert.deepEqual(opened, [{ shard: 1, from: 1000, to: null }]);
  assert.deepEqual(followOutages(opened, down, 2000), opened, "still down: the same window");
  const closed = followOutages(opened, up, 3000);
  assert.deepEqual(closed, [{ shard: 1, from: 1000, to: 3000 }]);
  assert.equal(opened[0].to, null, "the old list is left as it was");
  assert.deepEqual(followOutages(closed, down, 4000).at(-1), { shard: 1, from: 4000, to: null }, "a second outage, a second window");
});

test("outageAt finds the window a message was sent in, open or closed", () => {
  const outages = [{ shard: 1, from: 1000, to: 3000 }, { shard: 2, from: 5000, to: null }];
  assert.equal(outageAt(outages, 999), null);
  assert.equal(outageAt(outages, 2000).shard, 1);
  assert.equal(outageAt(outages, 4000), null);
  assert.equal(outageAt(outages, 9000).shard, 2);
});

test("failoverText counts the grains that moved, then those that went home", () => {
  assert.equal(failoverText({ status: "active", failover: null }), null);
  assert.equal(failoverText({ status: "down", servedBy: "silo-2", failover: { moved: 1, away: 1, returned: 0 } }), "1 grain moved to silo-2");
  assert.equal(failoverText({ status: "active", failover: { moved: 12, away: 5, returned: 7 } }), "7 of 12 moved grains went home, 5 still away");
  assert.equal(failoverText({ status: "active", failover: { moved: 12, away: 0, returned: 12 } }), "12 of 12 moved grains went home");
  assert.equal(failoverText({ status: "active", failover: { moved: 0, away: 0, returned: 0 } }), null);
});

test("pathSteps turns a message's spans into steps: server side of each call, nesting, offsets and words", () => {
  const span = (spanId, parentSpanId, name, kind, start, where, tags = {}) =>
    ({ traceId: "t", spanId, parentSpanId, name, kind, where, start: `2026-12-04T06:30:27.${start}Z`, durationMs: 1.5, tags });
  const path = {
    spans: [
      span("a", null, "whatsapp.send", "Server", "100", "gateway", { "whatsapp.via": "hub" }),
      span("b", "a", "IConversationGrain/SendAsync", "Client", "101", "gateway", { "orleans.rpc.target_id": "conversation/3-7" }),
      span("c", "b", "IConversationGrain/SendAsync", "Server", "110", "shard 0", { "orleans.rpc.target_id": "conversation/3-7" }),
      span("d", "c", "whatsapp.commit", "Internal", "120", "shard 0", { "whatsapp.commit.messages": "4", "whatsapp.commit.writes": "3", "whatsapp.commit.ms": "2.5" }),
      span("e", "d", "postgresql", "Client", "121", "shard 0", { "db.query.text": "INSERT INTO chat_message (a)\nSELECT 1" }),
      span("f", "c", "IUserGrain/OnMessagesAsync", "Server", "130", "shard 1", { "orleans.rpc.target_id": "user/3E9" }),
      span("g", "f", "whatsapp.push", "Internal", "135", "shard 1"),
      span("h", "g", "IGatewayObserver/OnPushesAsync", "Client", "136", "shard 1"),
      span("i", "h", "IGatewayObserver/OnPushesAsync", "Server", "140", "gateway"),
      span("j", "c", "whatsapp.deliveries", "Internal", "150", "shard 2", { "whatsapp.deliveries.members": "12" }),
    ],
  };

  const steps = pathSteps(path);

  assert.deepEqual(steps.map(step => step.what), [
    "Gateway took it (SignalR hub)",
    "conversation 3-7 grain: Send",
    "Committed: 4 messages of 3 write(s) in one transaction, 2.5 ms",
    "PostgreSQL: INSERT INTO chat_message (a)…",
    "user 1001 grain: OnMessages",
    "Handed to the gateway, in one call with whatever else this silo had for it",
    "Gateway pushed it to the open tabs",
    "Delivered to 12 other members on this silo",
  ]);
  assert.deepEqual(steps.map(step => step.depth), [0, 1, 2, 3, 2, 3, 4, 2]);
  assert.deepEqual(steps.map(step => step.offsetMs), [0, 10, 20, 21, 30, 35, 40, 50]);
  assert.equal(steps[1].where, "shard 0");
});

test("a medium's bytes are known by conversation and sequence once stored, by clientMessageId before", () => {
  assert.equal(mediaKey({ conversationId: "1-2", sequence: 7, clientMessageId: "c" }), "1-2/7");
  assert.equal(mediaKey({ conversationId: "1-2", clientMessageId: "c" }), "pending/c");
  assert.equal(isMedia({ kind: "voiceNote" }), true);
  assert.equal(isMedia({ kind: "deleted" }), false);
});

test("a photo is scaled down to fit its longest side, never up", () => {
  assert.deepEqual(fitWithin(4000, 3000, 1600), { width: 1600, height: 1200 });
  assert.deepEqual(fitWithin(900, 3000, 32), { width: 10, height: 32 });
  assert.deepEqual(fitWithin(640, 480, 1600), { width: 640, height: 480 });
  assert.deepEqual(fitWithin(5000, 2, 32), { width: 32, height: 1 });
});

test("a waveform is the loudest sample of each bucket, the loudest bar 100", () => {
  const samples = Float32Array.from({ length: 640 }, (_, index) => (index < 320 ? 0.25 : -0.5) * Math.sin(index));
  const bars = waveformOf(samples, 64);
  assert.equal(bars.length, 64);
  assert.ok(bars.every(bar => Number.isInteger(bar) && bar >= 0 && bar <= 100));
  assert.equal(Math.max(...bars), 100);
  assert.ok(bars[10] > 40 && bars[10] < 60, `a quarter against a half reads about 50, not ${bars[10]}`);
  assert.deepEqual(waveformOf(new Float32Array(100)), new Array(64).fill(0));
  assert.deepEqual(waveformOf([0.1, 0.2], 64), [50, 100]);
});

test("uploads go in slices that end on the gateway's chunks, the last one short", () => {
  const chunk = 262144;
  assert.deepEqual(nextSlice(0, 3 * chunk + 5, 4 * chunk), { from: 0, to: 3 * chunk + 5 });
  assert.deepEqual(nextSlice(chunk, 9 * chunk, 4 * chunk), { from: chunk, to: 5 * chunk });
});
