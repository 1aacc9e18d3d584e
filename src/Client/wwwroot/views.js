// The views: what the page shows for a state. They read the state and never change it; what a tap does is the
// start-up's, passed in as callbacks. Message content only ever enters the page as text (textContent), never as HTML.

import { dayLabel, lastSeenText, listTime, startOfDay, timeFormat } from "./format.js";
import { linesByRecency, servingNote, shardOfConversation } from "./store.js";

export const $ = id => document.getElementById(id);

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function avatar(user, node = el("div", "avatar")) {
  node.textContent = (user?.displayName ?? "?").trim().charAt(0).toUpperCase() || "?";
  node.style.background = `hsl(${Number(user?.userId ?? 0) % 360} 45% 50%)`;
  node.classList.toggle("online", Boolean(user?.online));
  return node;
}

const shardOf = (state, conversationId) => shardOfConversation(conversationId, state.shardCount);

// ---- signing in ---------------------------------------------------------------------------------------------------

export function showAuthMode(register) {
  $("show-register").classList.toggle("active", register);
  $("show-login").classList.toggle("active", !register);
  $("name-field").hidden = !register;
  $("auth-submit").textContent = register ? "Register" : "Log in";
  $("auth-password").autocomplete = register ? "new-password" : "current-password";
  $("auth-error").textContent = "";
}

export function showSignedOut(message) {
  $("app").hidden = true;
  $("auth").hidden = false;
  $("auth-error").textContent = message ?? "";
}

export function showSignedIn(session, dashboardUrl) {
  $("auth").hidden = true;
  $("app").hidden = false;
  $("me-name").textContent = session.displayName;
  avatar({ userId: session.userId, displayName: session.displayName }, $("me-avatar"));
  // Only an operator's client is configured with the dashboard (Client__DashboardUrl); chat users never see the link.
  if (dashboardUrl) Object.assign($("dashboard-link"), { href: dashboardUrl, hidden: false });
}

/** The signed-in user's line; their shard once the cluster has said how many shards there are. */
export function renderMe(state) {
  const id = state.session.userId;
  $("me-meta").textContent = state.shardCount ? `${id} · shard ${id % state.shardCount}` : `${id}`;
}

// ---- the chat list and the people found -----------------------------------------------------------------------------

export function renderInbox(state, onOpen) {
  const list = $("inbox");
  list.replaceChildren();
  const lines = linesByRecency(state.inbox);
  if (lines.length === 0) list.append(el("li", "muted", "No chats yet. Search for someone above to start one."));
  for (const line of lines) {
    const peer = state.users.get(line.peer?.userId) ?? line.peer;
    const item = el("li", line.unreadCount > 0 ? "unread" : "");
    item.dataset.conversation = line.conversationId;
    item.classList.toggle("active", state.open?.conversationId === line.conversationId);
    const body = el("div", "who");
    const top = el("div", "line");
    top.append(el("span", "name", peer?.displayName ?? "?"), el("span", "when", listTime(line.lastMessage.createdAt)));
    const bottom = el("div", "line");
    const mine = line.lastMessage.fromUserId === state.session.userId;
    bottom.append(el("span", "preview", (mine ? "You: " : "") + line.lastMessage.content));
    if (line.unreadCount > 0) bottom.append(el("span", "badge", String(line.unreadCount)));
    body.append(top, bottom);
    item.append(avatar(peer), body);
    item.onclick = () => onOpen(peer.userId);
    list.append(item);
  }
}

/** The directory instead of the chat list while a search is typed; the chat list again when it is cleared. */
export function showDirectory(shown) {
  $("directory").hidden = !shown;
  $("inbox").hidden = shown;
}

export function renderDirectoryNote(text) {
  $("directory").replaceChildren(el("li", "muted", text));
  showDirectory(true);
}

export function renderDirectory(users, onPick) {
  const list = $("directory");
  list.replaceChildren();
  for (const user of users) {
    const item = el("li");
    item.dataset.user = user.userId;
    const body = el("div", "who");
    body.append(el("div", "name", user.displayName), el("div", "muted", [user.userId, `shard ${user.shard}`, lastSeenText(user)].filter(Boolean).join(" · ")));
    item.append(avatar(user), body);
    item.onclick = () => onPick(user.userId);
    list.append(item);
  }
  if (!list.children.length) list.append(el("li", "muted", "Nobody found."));
  showDirectory(true);
}

// ---- a conversation -----------------------------------------------------------------------------------------------

export function showChat(open) {
  $("app").classList.toggle("chat-open", open);
  if (!open) return;
  $("empty").hidden = true;
  $("chat-header").hidden = $("messages").hidden = $("composer").hidden = false;
  $("chat-error").textContent = "";
  $("shard-note").hidden = true;
}

export function renderChatHeader(state) {
  const peer = state.users.get(state.open.peerId);
  avatar(peer, $("peer-avatar"));
  $("peer-name").textContent = peer?.displayName ?? String(state.open.peerId);
  renderPeerShard(state);
  renderPeerStatus(state, false);
}

export function renderPeerShard(state) {
  const shard = shardOf(state, state.open.conversationId);
  $("peer-shard").textContent = shard === null ? "" : `shard ${shard}`;
}

export function renderPeerStatus(state, typing) {
  const status = $("peer-status");
  status.className = typing ? "muted typing" : "muted";
  status.textContent = typing ? "typing…" : lastSeenText(state.users.get(state.open.peerId));
}

export const showChatError = message => { $("chat-error").textContent = message; };

export function renderMessages(state, onRetry) {
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren();
  if (state.open.hasMore) list.append(el("li", "day", "Scroll up for older messages"));
  const stored = [...state.open.messages.values()].sort((a, b) => a.sequence - b.sequence);
  let day = null;
  for (const message of [...stored, ...state.open.pending.values()]) {
    const date = new Date(message.createdAt);
    if (startOfDay(date) !== day) {
      day = startOfDay(date);
      list.append(el("li", "day", dayLabel(date)));
    }
    list.append(bubble(message, message.fromUserId === state.session.userId, onRetry));
  }
  if (atBottom) scrollToBottom();
}

function bubble(message, mine, onRetry) {
  const item = el("li", `bubble ${mine ? "mine" : "theirs"}${message.failed ? " failed" : ""}`);
  if (message.failed) {
    item.title = "Not sent. Tap to try again.";
    item.onclick = () => onRetry(message);
  }
  item.dataset.sequence = message.sequence ?? "";
  item.append(el("div", "text", message.content));
  const meta = el("div", "meta");
  meta.append(el("span", "time", timeFormat.format(new Date(message.createdAt))));
  if (mine) {
    const ticks = message.failed ? "!" : message.sequence === undefined ? "🕓" : message.status === "sent" ? "✓" : "✓✓";
    const mark = el("span", `ticks ${message.status === "read" ? "read" : ""}`, ticks);
    mark.dataset.status = message.failed ? "failed" : message.sequence === undefined ? "pending" : message.status;
    mark.title = mark.dataset.status;
    meta.append(mark);
  }
  item.append(meta);
  return item;
}

export function scrollToBottom() {
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

/** Runs a load of older messages and keeps the message the reader was looking at in place. */
export async function keepingScrollPosition(load) {
  const list = $("messages");
  const heightBefore = list.scrollHeight;
  await load();
  list.scrollTop += list.scrollHeight - heightBefore;
}

// ---- the cluster behind it ----------------------------------------------------------------------------------------

/** Each shard's silo and database; returns the silo now serving the open chat, for the next render to compare. */
export function renderShards(state, shards) {
  const list = $("shards");
  list.replaceChildren();
  const servingShard = state.open ? shardOf(state, state.open.conversationId) : -1;
  for (const shard of shards) {
    const item = el("li", shard.status === "down" ? "down" : "");
    item.dataset.shard = shard.shard;
    item.classList.toggle("serving", shard.shard === servingShard);
    item.append(el("span", "dot"), el("span", "silo", `shard ${shard.shard} · ${shard.silo ?? "no silo"}`),
      el("span", "muted", shard.status === "down" ? "down" : `${shard.activations} grains`));
    // Where the shard's data lives, as the silo serving it reaches it.
    const database = el("span", `database ${shard.databaseStatus}`,
      `database ${shard.database ?? "?"} · ${shard.databaseStatus}${shard.databaseRoundTripMs != null ? ` ${shard.databaseRoundTripMs.toFixed(1)} ms` : ""}`);
    database.dataset.status = shard.databaseStatus;
    item.append(database);
    item.title = shard.shard === servingShard ? "This shard serves the open chat" : "";
    list.append(item);
  }
  const { servedBy, text } = servingNote(shards, servingShard, state.servingSilo);
  const note = $("shard-note");
  if (text !== undefined) {
    note.textContent = text ?? "";
    note.hidden = text === null;
  }
  return servedBy;
}
