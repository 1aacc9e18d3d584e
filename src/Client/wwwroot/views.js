// The views: what the page shows for a state. They read the state and never change it; what a tap does is the
// start-up's, passed in as callbacks. Message content only ever enters the page as text (textContent), never as HTML.

import { canEdit, changeText, dayLabel, lastSeenText, listTime, previewText, startOfDay, timeFormat } from "./format.js";
import { failoverText, linesByRecency, outageAt, servingNote, shardOfConversation } from "./store.js";

/** The reactions a tap offers (any emoji can be sent; these are one tap away). */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

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

/** How the page names a user: "You", their display name once known, or their number. */
export const nameOf = state => userId =>
  (userId === state.session.userId ? "You" : state.users.get(userId)?.displayName ?? String(userId));

/** A group as an avatar shows it: its name's first letter, on a colour of its own. */
const groupFace = (groupId, name) => ({ userId: groupId, displayName: name });

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
    const inGroup = line.groupId != null;
    const face = inGroup
      ? groupFace(line.groupId, state.groups.get(line.groupId)?.name ?? line.group?.name ?? "Group")
      : state.users.get(line.peer?.userId) ?? line.peer;
    const item = el("li", line.unreadCount > 0 ? "unread" : "");
    item.dataset.conversation = line.conversationId;
    item.classList.toggle("active", state.open?.conversationId === line.conversationId);
    const body = el("div", "who");
    const top = el("div", "line");
    top.append(el("span", "name", face?.displayName ?? "?"), el("span", "when", listTime(line.lastMessage.createdAt)));
    const bottom = el("div", "line");
    bottom.append(el("span", "preview", previewText(line.lastMessage, { me: state.session.userId, nameOf: nameOf(state), inGroup })));
    if (line.unreadCount > 0) bottom.append(el("span", "badge", String(line.unreadCount)));
    body.append(top, bottom);
    item.append(avatar(face), body);
    item.onclick = () => onOpen(line);
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
  $("members-panel").hidden = true;
}

export function renderChatHeader(state) {
  const { groupId, peerId } = state.open;
  const group = groupId != null ? state.groups.get(groupId) : null;
  const face = groupId != null ? groupFace(groupId, group?.name ?? "Group") : state.users.get(peerId);
  avatar(face, $("peer-avatar"));
  $("peer-name").textContent = face?.displayName ?? String(peerId);
  $("show-members").hidden = groupId == null || !group?.isMember;
  const blocked = groupId == null && state.blocked.has(peerId);
  $("block").hidden = groupId != null;
  $("block").textContent = blocked ? "Unblock" : "Block";
  $("blocked-note").hidden = !blocked;
  const readOnly = groupId != null && group?.isMember === false;
  $("not-member").hidden = !readOnly;
  $("composer").hidden = readOnly || blocked;
  renderPeerShard(state);
  renderPeerStatus(state, null);
}

export function renderPeerShard(state) {
  const shard = shardOf(state, state.open.conversationId);
  $("peer-shard").textContent = shard === null ? "" : `shard ${shard}`;
}

/** Under the chat's name: who is typing (a user id), or else the peer's presence or the group's members. */
export function renderPeerStatus(state, typingUserId) {
  const status = $("peer-status");
  const group = state.open.groupId != null ? state.groups.get(state.open.groupId) : null;
  status.className = typingUserId != null ? "muted typing" : "muted";
  status.textContent = typingUserId != null
    ? (group ? `${nameOf(state)(typingUserId)} is typing…` : "typing…")
    : group ? (group.members ?? []).map(member => nameOf(state)(member.userId)).join(", ")
    : lastSeenText(state.users.get(state.open.peerId));
}

export const showChatError = message => { $("chat-error").textContent = message; };

/**
 * The open chat's messages. handlers: onRetry(pending) for a failed bubble, onAction(action, message, emoji?) for a
 * bubble's reply, react, edit, delete and info buttons, onJump(sequence) for a tap on a reply's quote.
 */
export function renderMessages(state, handlers) {
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren();
  if (state.open.hasMore) list.append(el("li", "day", "Scroll up for older messages"));
  const stored = [...state.open.messages.values()].sort((a, b) => a.sequence - b.sequence);
  const names = nameOf(state);
  let day = null;
  for (const message of [...stored, ...state.open.pending.values()]) {
    const date = new Date(message.createdAt);
    if (startOfDay(date) !== day) {
      day = startOfDay(date);
      list.append(el("li", "day", dayLabel(date)));
    }
    if (message.kind === "groupChange") {
      const line = el("li", "day system", changeText(message.change, names));
      line.dataset.sequence = message.sequence;
      list.append(line);
      continue;
    }
    const mine = message.fromUserId === state.session.userId;
    const outage = outageAt(state.outages, date.getTime());
    list.append(bubble(message, { mine, inGroup: state.open.groupId != null, names, me: state.session.userId, outage }, handlers));
  }
  if (atBottom) scrollToBottom();
}

function bubble(message, { mine, inGroup, names, me, outage }, { onRetry, onAction, onJump }) {
  const deleted = message.kind === "deleted";
  const item = el("li", `bubble ${mine ? "mine" : "theirs"}${message.failed ? " failed" : ""}${deleted ? " deleted" : ""}`);
  if (message.failed) {
    item.title = "Not sent. Tap to try again.";
    item.onclick = () => onRetry(message);
  }
  item.dataset.sequence = message.sequence ?? "";
  if (inGroup && !mine) {
    const sender = el("div", "sender", names(message.fromUserId));
    sender.style.color = `hsl(${Number(message.fromUserId) % 360} 55% 38%)`;
    item.append(sender);
  }
  if (message.quote) {
    const quote = el("button", "quote");
    quote.type = "button";
    quote.dataset.quotes = message.quote.sequence;
    quote.append(el("span", "name", names(message.quote.fromUserId)),
      el("span", "muted", message.quote.kind === "deleted" ? "🚫 This message was deleted" : message.quote.preview));
    quote.onclick = () => onJump(message.quote.sequence);
    item.append(quote);
  }
  item.append(el("div", "text", deleted ? "🚫 This message was deleted" : message.content));
  if (message.reactions?.length) {
    const counts = new Map();
    for (const reaction of message.reactions) counts.set(reaction.emoji, (counts.get(reaction.emoji) ?? 0) + 1);
    const row = el("div", "reactions");
    row.title = message.reactions.map(reaction => `${names(reaction.userId)} ${reaction.emoji}`).join(", ");
    for (const [emoji, count] of counts) row.append(el("span", "reaction", count > 1 ? `${emoji} ${count}` : emoji));
    item.append(row);
  }
  if (message.sequence !== undefined && !deleted) item.append(actions(message, mine, me, onAction));
  const meta = el("div", "meta");
  if (outage) {
    // Sent while a shard's silo was down (as this page's Cluster panel saw it): the message still went through.
    item.classList.add("during-outage");
    const mark = el("span", "outage", `⚡ shard ${outage.shard} down`);
    mark.title = `Sent while shard ${outage.shard}'s silo was down`;
    meta.append(mark);
  }
  if (message.editedAt && !deleted) meta.append(el("span", "edited", "edited"));
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

/** A stored message's buttons: reply, react and info for everyone; edit (within 15 minutes) and delete for its author. */
function actions(message, mine, me, onAction) {
  const bar = el("div", "actions");
  const button = (action, label, title, emoji) => {
    const node = el("button", "action", label);
    node.type = "button";
    node.dataset.action = action;
    node.title = title;
    if (emoji) node.dataset.emoji = emoji;
    node.onclick = event => {
      event.stopPropagation();
      onAction(action, message, emoji);
    };
    bar.append(node);
  };
  button("reply", "↩", "Reply");
  const own = message.reactions?.find(reaction => reaction.userId === me)?.emoji;
  for (const emoji of QUICK_REACTIONS) button(emoji === own ? "unreact" : "react", emoji, emoji === own ? "Remove your reaction" : `React ${emoji}`, emoji);
  if (mine) {
    if (canEdit(message)) button("edit", "✎", "Edit (for 15 minutes after sending)");
    button("delete", "🗑", "Delete for everyone");
  }
  button("info", "ⓘ", mine ? "Message info: who has received and read it, and its path through the cluster" : "Message info: its path through the cluster");
  return bar;
}

/** Above the composer: the message being replied to or edited, or nothing. */
export function renderReplyBar(state) {
  const open = state.open;
  const target = open?.replyTo ?? open?.editing;
  $("reply-bar").hidden = !target;
  if (!target) return;
  $("reply-to-name").textContent = open.editing ? "Editing your message" : `Replying to ${nameOf(state)(target.fromUserId)}`;
  $("reply-to-text").textContent = target.content;
}

/** Briefly marks a message the reader jumped to (a reply's quote). */
export function highlight(sequence) {
  const node = $("messages").querySelector(`[data-sequence="${sequence}"]`);
  if (!node) return false;
  node.scrollIntoView({ block: "center" });
  node.classList.add("highlight");
  setTimeout(() => node.classList.remove("highlight"), 1500);
  return true;
}

/**
 * A message's info: for my own, who has read, received or not yet received it (info; null for someone else's); for
 * any, its path through the cluster (steps from pathSteps, or the reason there are none).
 */
export function renderInfo(info, names, path) {
  const body = $("info-body");
  body.replaceChildren();
  const receipts = info ? [["Read by", info.readBy, "read"], ["Delivered to", info.deliveredTo, "delivered"], ["Not yet delivered to", info.pending, "pending"]] : [];
  for (const [title, users, kind] of receipts) {
    const section = el("section", "info-section");
    section.dataset.kind = kind;
    section.append(el("h3", "", `${title} (${users.length})`));
    const list = el("ul");
    for (const userId of users) list.append(el("li", "", names(userId)));
    section.append(list);
    body.append(section);
  }
  const route = el("section", "info-section path");
  route.dataset.kind = "path";
  route.append(el("h3", "", "Its path through the cluster"));
  if (typeof path === "string") {
    route.append(el("p", "muted", path));
  } else {
    const list = el("ol", "steps");
    for (const step of path) {
      const item = el("li", "step");
      item.style.paddingLeft = `${step.depth * 0.9}rem`;
      item.append(el("span", "offset", `+${step.offsetMs.toFixed(1)} ms`), el("span", "what", step.what),
        el("span", "where", `${step.where} · ${step.durationMs.toFixed(1)} ms`));
      list.append(item);
    }
    route.append(list);
  }
  body.append(route);
  $("info-dialog").showModal();
}

// ---- groups -------------------------------------------------------------------------------------------------------

/** People found for a group, each with a box to tick; chosen is a Set of user ids. */
export function renderPicks(listId, users, chosen, onToggle) {
  const list = $(listId);
  list.replaceChildren();
  for (const user of users) {
    const item = el("li");
    item.dataset.user = user.userId;
    const box = el("input");
    box.type = "checkbox";
    box.checked = chosen.has(user.userId);
    box.onchange = () => onToggle(user);
    const body = el("div", "who");
    body.append(el("div", "name", user.displayName), el("div", "muted", String(user.userId)));
    item.append(box, avatar(user), body);
    item.onclick = event => { if (event.target !== box) box.click(); };
    list.append(item);
  }
}

/**
 * The group panel: its members (admins marked) and what I may do: admins rename, add, promote and remove; everyone
 * may leave. handlers: onPromote(userId), onRemove(userId).
 */
export function renderMembers(state, group, { onPromote, onRemove }) {
  const me = group.members.find(member => member.userId === state.session.userId);
  const admin = Boolean(me?.isAdmin);
  $("rename-form").hidden = $("add-members").hidden = !admin;
  $("rename-input").value = group.name;
  const list = $("members");
  list.replaceChildren();
  const names = nameOf(state);
  for (const member of group.members) {
    const item = el("li");
    item.dataset.user = member.userId;
    const body = el("div", "who");
    body.append(el("div", "name", names(member.userId)), el("div", "muted", member.isAdmin ? "admin" : String(member.userId)));
    item.append(avatar(state.users.get(member.userId) ?? { userId: member.userId, displayName: names(member.userId) }), body);
    if (admin && member.userId !== state.session.userId) {
      if (!member.isAdmin) {
        const promote = el("button", "icon", "Make admin");
        promote.dataset.action = "promote";
        promote.onclick = () => onPromote(member.userId);
        item.append(promote);
      }
      const remove = el("button", "icon", "Remove");
      remove.dataset.action = "remove";
      remove.onclick = () => onRemove(member.userId);
      item.append(remove);
    }
    list.append(item);
  }
  for (const userId of group.invited ?? []) {
    const item = el("li", "invited");
    item.dataset.invited = userId;
    const body = el("div", "who");
    body.append(el("div", "name", names(userId)), el("div", "muted", "invited: joins when they accept"));
    item.append(avatar(state.users.get(userId) ?? { userId, displayName: names(userId) }), body);
    list.append(item);
  }
  $("members-panel").hidden = false;
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
/**
 * A shard's fault buttons (only when ./run's launcher is behind the page): stop or start its silo, and, when the shard
 * has a database of its own, stop or start that. Each button says what it does to which process.
 */
function faultButtons(control, shard, pending) {
  const row = el("span", "faults");
  const button = (part, running, what) => {
    const action = running ? "stop" : "start";
    const node = el("button", `fault ${action}`, `${running ? "Stop" : "Start"} ${what}`);
    node.type = "button";
    node.disabled = pending;
    Object.assign(node.dataset, { part, shard, action });
    node.title = running ? `Kill shard ${shard}'s ${what} (as a crash would)` : `Start shard ${shard}'s ${what} again`;
    row.append(node);
  };
  const silo = control.silos.find(entry => entry.shard === shard);
  if (silo) button("silos", silo.state === "running", "silo");
  const database = control.databases.find(entry => entry.shard === shard);
  if (database) button("databases", database.state === "running", "database");
  return row;
}

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
    // Which of the deployment's databases holds the shard's data ("database 0": shards that share one say the same),
    // as the silo serving it reaches it.
    const database = el("span", `database ${shard.databaseStatus}`,
      `${shard.database ?? "database ?"} · ${shard.databaseStatus}${shard.databaseRoundTripMs != null ? ` ${shard.databaseRoundTripMs.toFixed(1)} ms` : ""}`);
    database.dataset.status = shard.databaseStatus;
    item.append(database);
    const failover = failoverText(shard);
    if (failover) item.append(el("span", "failover", failover));
    if (state.control) item.append(faultButtons(state.control, shard.shard, state.faultPending));
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
