// The open chat: its header, its messages as bubbles with their buttons, the reply bar and a message's info.

import { canEdit, changeText, dayLabel, lastSeenText, startOfDay, summaryText, timeFormat } from "./format.js";
import * as mediaView from "./media-view.js";
import { isMedia, outageAt } from "./store.js";
import { $, avatar, el, groupFace, nameOf, shardOf } from "./views.js";

/** The reactions a tap offers (any emoji can be sent; these are one tap away). */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

export function showChat(open) {
  $("app").classList.toggle("chat-open", open);
  if (!open) return;
  $("empty").hidden = true;
  $("chat-header").hidden = $("messages").hidden = $("composer").hidden = false;
  $("chat-error").textContent = "";
  $("shard-note").hidden = true;
  $("members-panel").hidden = true;
}

export function renderChatHeader(state, cluster) {
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
  renderPeerShard(state, cluster);
  renderPeerStatus(state, null);
}

export function renderPeerShard(state, cluster) {
  const shard = shardOf(cluster, state.open.conversationId);
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

/**
 * The open chat's messages, those sent during an outage this page saw marked. handlers: onRetry(pending) for a failed
 * bubble, onAction(action, message, emoji?) for a bubble's reply, react, edit, delete and info buttons, onJump(sequence)
 * for a tap on a reply's quote, media for a photo's, document's or voice note's bytes (media-view.js).
 */
export function renderMessages(state, outages, handlers) {
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren();
  if (state.open.hasMore) list.append(el("li", "day", "Scroll up for older messages"));
  const stored = [...state.open.messages.values()].sort((a, b) => a.sequence - b.sequence);
  const names = nameOf(state);
  const mediaShown = new Set();
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
    const outage = outageAt(outages, date.getTime());
    const item = bubble(message, { mine, inGroup: state.open.groupId != null, names, me: state.session.userId, outage }, handlers);
    item.querySelectorAll("[data-media]").forEach(node => mediaShown.add(node.dataset.media));
    list.append(item);
  }
  mediaView.keepOnly(mediaShown);
  if (atBottom) scrollToBottom();
}

function bubble(message, { mine, inGroup, names, me, outage }, { onRetry, onAction, onJump, media }) {
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
      el("span", "muted", message.quote.kind === "deleted" ? "🚫 This message was deleted"
        : summaryText({ kind: message.quote.kind, content: message.quote.preview, media: message.quote.media })));
    quote.onclick = () => onJump(message.quote.sequence);
    item.append(quote);
  }
  const withMedium = !deleted && isMedia(message);
  if (withMedium) {
    item.classList.add("with-media");
    item.append(mediaView.medium(message, media));
  }
  if (!withMedium || message.content) item.append(el("div", "text", deleted ? "🚫 This message was deleted" : message.content));
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
  $("reply-to-text").textContent = summaryText(target);
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
