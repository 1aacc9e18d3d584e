// The chat's state transitions, as pure functions of plain data: what a message, a receipt or a page of history does
// to what the page shows. No DOM, no network: app.js calls them and renders; tests/store.test.mjs runs them in Node.

/** The conversation of two people, as the gateway names it ("a-b", a < b). */
export const conversationIdOf = (a, b) => (a < b ? `${a}-${b}` : `${b}-${a}`);

/** A group's conversation ("g" and the group id). */
export const groupConversationId = groupId => `g${groupId}`;

/** The group of a conversation id, or null for a conversation of two people. */
export const groupIdOf = conversationId => (conversationId.startsWith("g") ? Number(conversationId.slice(1)) : null);

/** The shard of a conversation (its lower id's, or its group's), or null while the shard count is not known. */
export const shardOfConversation = (conversationId, shardCount) =>
  (shardCount ? (groupIdOf(conversationId) ?? Number(conversationId.split("-")[0])) % shardCount : null);

const statusRank = { sent: 0, delivered: 1, read: 2 };

/**
 * Stored messages merged into a chat: keyed by sequence, a tick never goes back (a receipt may have advanced it after
 * the copy we are given was made), and a pending message is done once its stored copy (same clientMessageId) is in.
 * Returns new maps.
 */
export function mergeStored(messages, pending, incoming) {
  const nextMessages = new Map(messages);
  const nextPending = new Map(pending);
  for (const message of incoming) {
    const known = nextMessages.get(message.sequence);
    const status = known && statusRank[known.status] > statusRank[message.status] ? known.status : message.status;
    nextMessages.set(message.sequence, { ...message, status });
    if (message.clientMessageId) nextPending.delete(message.clientMessageId);
  }
  return { messages: nextMessages, pending: nextPending };
}

/**
 * A message as it stands after an edit, a delete or a reaction, in place of the one the chat shows (a message the chat
 * has not loaded stays unloaded). Its ticks never go back. Returns the same map when the chat does not show it.
 */
export function applyChange(messages, changed) {
  const known = messages.get(changed.sequence);
  if (!known) return messages;
  const status = statusRank[known.status] > statusRank[changed.status] ? known.status : changed.status;
  return new Map(messages).set(changed.sequence, { ...changed, status });
}

/** A chat-list line whose last message changed shows it as it stands now. */
export const lineAfterChange = (line, changed) =>
  (line && line.lastMessage.sequence === changed.sequence ? { ...line, lastMessage: { ...changed } } : line);

/** What I know of a group after a change in its history: its name, and whether I am still in it. */
export function groupAfterChange(group, change, me) {
  const next = { ...group };
  if (change.name) next.name = change.name;
  if (change.userIds?.includes(me)) next.isMember = ["created", "added", "joined"].includes(change.kind);
  return next;
}

/** The peer's receipt applied to my messages of the open chat: delivered or read up to a sequence. Returns a new map. */
export function applyReceipt(messages, me, receipt) {
  const next = new Map();
  for (const [sequence, message] of messages) {
    const advances = message.fromUserId === me && message.sequence <= receipt.upToSequence && message.status !== "read";
    next.set(sequence, advances ? { ...message, status: receipt.kind === "read" ? "read" : "delivered" } : message);
  }
  return next;
}

/**
 * A chat-list line after a message: moved to it when it is newer than the line's last one, with one more unread unless
 * I sent it or I am looking at the chat. Returns the line unchanged (the same object) for an older message.
 */
export function lineAfterMessage(line, message, { me, peer, group, seen }) {
  if (line && message.sequence <= line.lastMessage.sequence) return line;
  const mine = message.fromUserId === me;
  return {
    conversationId: message.conversationId,
    peer: peer ?? line?.peer,
    groupId: message.groupId ?? line?.groupId,
    group: group ?? line?.group,
    lastMessage: message,
    unreadCount: mine || seen ? 0 : (line?.unreadCount ?? 0) + 1,
  };
}

/** My own read receipt (from another tab) clears the line's unread count once it reaches the last message. */
export function lineAfterOwnReceipt(line, receipt) {
  return line && receipt.kind === "read" && receipt.upToSequence >= line.lastMessage.sequence ? { ...line, unreadCount: 0 } : line;
}

/** The chat list's lines, the latest conversation first. */
export const linesByRecency = inbox =>
  [...inbox.values()].sort((a, b) => new Date(b.lastMessage.createdAt) - new Date(a.lastMessage.createdAt));

/**
 * Whether a page of history, read newest first, still leaves a hole above what the chat already showed (newest known
 * sequence `had`, 0 for none): after a reconnect more may have arrived than one page holds.
 */
export const pageLeavesAGap = (had, page) => had > 0 && page.hasMore && page.messages.length > 0 && page.messages[0].sequence > had + 1;

/**
 * What the note under the shards says about the silo serving the open chat's shard: its owner is down (a fallback
 * serves it), or a new silo serves it. text is the note to show, null to hide it, undefined to leave it as it is.
 */
export function servingNote(shards, servingShard, previouslyServedBy) {
  const serving = shards.find(shard => shard.shard === servingShard);
  const servedBy = serving?.servedBy ?? null;
  if (!serving) return { servedBy, text: null };
  if (serving.status === "down") return { servedBy, text: `Shard ${serving.shard}'s silo is down: this chat is served by ${servedBy ?? "no silo yet"}.` };
  if (previouslyServedBy && servedBy !== previouslyServedBy) return { servedBy, text: `Shard ${serving.shard} is served by a new silo: ${servedBy}.` };
  return { servedBy, text: undefined };
}

/**
 * The shards' outages as the Cluster panel saw them: a window opens when a shard is first seen down and closes when
 * it is seen active again. Returns the new list (the old one is left as it was).
 */
export function followOutages(outages, shards, now) {
  const next = outages.map(outage => ({ ...outage }));
  for (const shard of shards) {
    const open = next.find(outage => outage.shard === shard.shard && outage.to === null);
    if (shard.status === "down" && !open) next.push({ shard: shard.shard, from: now, to: null });
    if (shard.status !== "down" && open) open.to = now;
  }
  return next;
}

/** The outage a moment fell in (milliseconds since the epoch), or null. */
export function outageAt(outages, time) {
  return outages.find(outage => time >= outage.from && (outage.to === null || time <= outage.to)) ?? null;
}

/**
 * What the Cluster panel says about a shard's grains after an outage (ShardHealth.failover), or null before any.
 * While the silo is down they are on the silo serving the shard; once it is back they go home.
 */
export function failoverText(shard) {
  const failover = shard.failover;
  if (!failover) return null;
  if (shard.status === "down") return `${failover.moved} grain${failover.moved === 1 ? "" : "s"} moved to ${shard.servedBy ?? "no silo yet"}`;
  if (failover.moved === 0) return null;
  return `${failover.returned} of ${failover.moved} moved grains went home${failover.away > 0 ? `, ${failover.away} still away` : ""}`;
}

/**
 * A message's path (GET .../path) as steps a person can follow: the gateway that took it, each grain call where it
 * ran (Orleans' client-side twin of a call is left out: its server side shows the hop), the commit and its
 * statements, the pushes to browsers. Each step: when it started after the first (ms), how long it took, how deep in
 * the call tree it sits, what it was and where it ran.
 */
export function pathSteps(path) {
  const spans = path.spans;
  const byId = new Map(spans.map(span => [span.spanId, span]));
  const shown = span => span.kind !== "Client" || span.name === "postgresql";
  const depth = span => {
    let count = 0;
    for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) if (shown(parent)) count++;
    return count;
  };
  const first = Math.min(...spans.map(span => Date.parse(span.start)));
  return spans.filter(shown).map(span => ({
    offsetMs: Date.parse(span.start) - first,
    durationMs: span.durationMs,
    depth: depth(span),
    what: describeSpan(span),
    where: span.where,
  }));
}

/** "user/3E9" -> "user 1001" (Orleans prints integer keys in hex); "conversation/3-7" -> "conversation 3-7". */
function grainName(id) {
  const [type, key] = (id ?? "").split("/");
  if (!key) return id ?? "?";
  if (type === "user" || type === "group") return `${type} ${parseInt(key, 16)}`;
  return `${type} ${key}`;
}

function describeSpan(span) {
  const tags = span.tags ?? {};
  const method = span.name.includes("/") ? span.name.split("/").pop().replace(/Async$/, "") : span.name;
  switch (span.name) {
    case "whatsapp.send": return `Gateway took it (${tags["whatsapp.via"] === "hub" ? "SignalR hub" : "REST"})`;
    case "whatsapp.commit": {
      const messages = Number(tags["whatsapp.commit.messages"] ?? 0);
      return `Committed: ${messages} message${messages === 1 ? "" : "s"} of ${tags["whatsapp.commit.writes"] ?? "?"} write(s) in one transaction, ${tags["whatsapp.commit.ms"] ?? "?"} ms`;
    }
    case "whatsapp.deliver": return "Notify the participants";
    case "whatsapp.push": return "Handed to the gateway, in one call with whatever else this silo had for it";
    case "whatsapp.deliveries": {
      const members = Number(tags["whatsapp.deliveries.members"] ?? 0);
      return `Delivered to ${members} other member${members === 1 ? "" : "s"} on this silo`;
    }
    case "postgresql": return `PostgreSQL: ${(tags["db.query.text"] ?? "").split("\n")[0].slice(0, 48)}…`;
    default:
      if (span.name.startsWith("IGatewayObserver/")) return "Gateway pushed it to the open tabs";
      return `${grainName(tags["orleans.rpc.target_id"])} grain: ${method}`;
  }
}

// ---- media ----------------------------------------------------------------------------------------------------------

export const MEDIA_KINDS = ["photo", "document", "voiceNote"];
export const isMedia = message => MEDIA_KINDS.includes(message.kind);

/**
 * Which bytes a message's medium are, as the page keeps them: a stored message's by its conversation and sequence, a
 * message still being sent by its clientMessageId (it has no sequence yet).
 */
export const mediaKey = message =>
  (message.sequence !== undefined ? `${message.conversationId}/${message.sequence}` : `pending/${message.clientMessageId}`);

/** A picture's size once its longest side is at most max pixels (never enlarged, never below one pixel). */
export function fitWithin(width, height, max) {
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * A voice note's waveform: the samples cut into `bars` equal buckets, each bar its bucket's loudest sample, scaled so
 * the loudest bar is 100 (the gateway takes up to 64 bars of 0 to 100). Fewer samples than bars give one bar each;
 * silence gives zeros.
 */
export function waveformOf(samples, bars = 64) {
  const count = Math.min(bars, samples.length);
  const peaks = [];
  for (let bar = 0; bar < count; bar++) {
    const [from, to] = [Math.floor((bar * samples.length) / count), Math.floor(((bar + 1) * samples.length) / count)];
    let peak = 0;
    for (let index = from; index < to; index++) peak = Math.max(peak, Math.abs(samples[index]));
    peaks.push(peak);
  }
  const loudest = Math.max(0, ...peaks);
  return peaks.map(peak => (loudest > 0 ? Math.round((peak / loudest) * 100) : 0));
}

/**
 * The part of a file the next upload request carries, from what the gateway has stored (`received`, always a whole
 * number of its chunks until the file is complete): up to `slice` bytes, a multiple of the chunk size, so whatever a
 * dropped request stored is whole chunks and a retry goes on from there.
 */
export const nextSlice = (received, length, slice) => ({ from: received, to: Math.min(length, received + slice) });
