// The open chat: opening one, its history a page at a time, read marks, writing and sending, and what a bubble's
// buttons do. A send goes through the hub with a clientMessageId of its own, so a retry can never store a copy; a
// photo, document or voice note goes by REST after its upload (media.js), with a clientMessageId too.

import * as chatView from "./chat-view.js";
import { knowUsers, refreshGroup, refreshUser, renderInbox } from "./chat-list.js";
import { renderShards } from "./cluster-panel.js";
import { forgetMedia, mediaHandlers, sendMedia, takeStaged } from "./media.js";
import { invokeQuietly, onMessage, onMessageChanged } from "./realtime.js";
import { request } from "./session.js";
import { cluster, state } from "./state.js";
import { conversationIdOf, groupConversationId, mergeStored, pageLeavesAGap, pathSteps } from "./store.js";
import { $, nameOf, showChatError } from "./views.js";

const PAGE_SIZE = 50;
const TYPING_IDLE_MS = 2500;

const newClientMessageId = () => crypto.randomUUID?.() ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, "0")).join("");
const hubError = error => (error.message ?? String(error)).replace(/^.*HubException: /, "");

export const renderChatHeader = () => chatView.renderChatHeader(state, cluster);

export const renderMessagesAgain = () => chatView.renderMessages(state, cluster.outages, {
  onRetry: message => deliver(state.open, message),
  onAction: (action, message, emoji) => act(action, message, emoji),
  onJump: sequence => jumpTo(sequence),
  media: mediaHandlers,
});

// ---- opening one --------------------------------------------------------------------------------------------------

export function openChat(peerId) {
  return openConversation({ conversationId: conversationIdOf(state.session.userId, peerId), peerId }, `chat/${peerId}`,
    () => (state.users.has(peerId) ? null : refreshUser(peerId)));
}

export function openGroup(groupId) {
  return openConversation({ conversationId: groupConversationId(groupId), groupId }, `group/${groupId}`,
    () => (state.groups.get(groupId)?.isMember === false ? null : refreshGroup(groupId)));
}

async function openConversation(chat, hash, load) {
  forgetMedia();
  state.open = { ...chat, messages: new Map(), pending: new Map(), hasMore: false, loading: false, replyTo: null, editing: null, staged: [] };
  cluster.servingSilo = null;
  location.hash = hash;
  chatView.showChat(true);
  chatView.renderReplyBar(state);
  await load();
  renderChatHeader();
  renderInbox();
  renderShards();
  await loadNewest();
  $("input").focus();
}

$("back").onclick = () => {
  forgetMedia();
  state.open = null;
  location.hash = "";
  chatView.showChat(false);
  renderInbox();
};

// Blocking is the user's own choice: the gateway refuses the blocked one's messages; the page only shows the state.
$("block").onclick = async () => {
  const open = state.open;
  if (!open || open.peerId == null) return;
  const blocking = !state.blocked.has(open.peerId);
  try {
    await request(blocking ? "POST" : "DELETE", `/api/users/${open.peerId}/block`);
    if (blocking) state.blocked.add(open.peerId);
    else state.blocked.delete(open.peerId);
    if (state.open === open) renderChatHeader();
  } catch (error) {
    showChatError(error.message);
  }
};

export async function refreshBlocked() {
  try {
    state.blocked = new Set(await request("GET", "/api/users/blocked"));
    if (state.open) renderChatHeader();
  } catch {
    // The chat works without it; the header shows "Block" until the next sign-in reads it.
  }
}

// ---- its history --------------------------------------------------------------------------------------------------

function historyPage(open, beforeSequence) {
  const query = `${beforeSequence ? `beforeSequence=${beforeSequence}&` : ""}limit=${PAGE_SIZE}`;
  return request("GET", open.groupId != null
    ? `/api/groups/${open.groupId}/messages?${query}`
    : `/api/conversations/${state.session.userId}/${open.peerId}?${query}`);
}

export async function loadNewest() {
  const open = state.open;
  const had = Math.max(0, ...open.messages.keys()); // the newest message this chat already shows
  try {
    const newest = await historyPage(open);
    if (state.open !== open) return;
    if (open.messages.size === 0) open.hasMore = newest.hasMore;
    addMessages(newest.messages);
    // Page back until the pages meet what the chat already showed, so no message is missing between the two.
    for (let page = newest; pageLeavesAGap(had, page);) {
      page = await historyPage(open, page.messages[0].sequence);
      if (state.open !== open) return;
      addMessages(page.messages);
    }
    if (open.groupId != null) knowUsers([...open.messages.values()].map(message => message.fromUserId));
    chatView.scrollToBottom();
    const last = newest.messages.at(-1);
    if (last && last.fromUserId !== state.session.userId && document.visibilityState === "visible") markRead(open.conversationId, last.sequence);
  } catch (error) {
    showChatError(error.message);
  }
}

async function loadOlder() {
  const open = state.open;
  if (!open || open.loading || !open.hasMore) return;
  open.loading = true;
  try {
    await chatView.keepingScrollPosition(async () => {
      const page = await historyPage(open, Math.min(...open.messages.keys()));
      if (state.open !== open) return;
      open.hasMore = page.hasMore;
      addMessages(page.messages);
    });
  } catch (error) {
    showChatError(error.message);
  } finally {
    open.loading = false;
  }
}
$("messages").onscroll = () => { if ($("messages").scrollTop < 120) loadOlder(); };

export function addMessages(messages) {
  Object.assign(state.open, mergeStored(state.open.messages, state.open.pending, messages));
  renderMessagesAgain();
}

export function markRead(conversationId, sequence) {
  const line = state.inbox.get(conversationId);
  if (line) {
    state.inbox.set(conversationId, { ...line, unreadCount: 0 });
    renderInbox();
  }
  invokeQuietly("MarkRead", conversationId, sequence);
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible" || !state.open) return;
  const last = Math.max(0, ...state.open.messages.keys());
  if (last > 0 && state.inbox.get(state.open.conversationId)?.unreadCount > 0) markRead(state.open.conversationId, last);
});

// ---- writing ------------------------------------------------------------------------------------------------------

$("input").onkeydown = event => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
};

$("input").oninput = () => {
  const input = $("input");
  input.style.height = "auto";
  input.style.height = `${input.scrollHeight}px`;
  if (!state.open) return;
  if (!state.typingSent) {
    state.typingSent = true;
    invokeQuietly("Typing", state.open.conversationId, true);
  }
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
};

function stopTyping() {
  clearTimeout(state.typingTimer);
  if (state.typingSent && state.open) invokeQuietly("Typing", state.open.conversationId, false);
  state.typingSent = false;
}

$("composer").onsubmit = async event => {
  event.preventDefault();
  const content = $("input").value.trim();
  const open = state.open;
  if (!open || (!content && (open.editing || !open.staged.length))) return;
  $("input").value = "";
  $("input").style.height = "auto";
  stopTyping();
  if (open.editing) {
    const editing = open.editing;
    open.editing = null;
    chatView.renderReplyBar(state);
    await changeMessage("EditMessage", editing.sequence, content);
    return;
  }
  // Files waiting in the composer go as messages of their own, the text as the first one's caption.
  const attachments = await takeStaged(open);
  const pendings = attachments.length
    ? attachments.map((fields, index) => addPending(open, { ...fields, content: index === 0 ? content : "" }))
    : [addPending(open, { kind: "text", content })];
  for (const pending of pendings) await deliver(open, pending);
};

/**
 * A message of this page's user, shown at once while it is sent; a reply when the reply bar shows one. fields: its
 * kind and content, and a medium's media and upload (media.js).
 */
export function addPending(open, fields) {
  const clientMessageId = newClientMessageId();
  const replyTo = open.replyTo;
  const pending = {
    ...fields, clientMessageId, fromUserId: state.session.userId, createdAt: new Date().toISOString(),
    replyTo: replyTo?.sequence,
    quote: replyTo && { sequence: replyTo.sequence, fromUserId: replyTo.fromUserId, preview: replyTo.content, kind: replyTo.kind, media: replyTo.media },
  };
  open.pending.set(clientMessageId, pending);
  open.replyTo = null;
  chatView.renderReplyBar(state);
  if (state.open === open) renderMessagesAgain();
  chatView.scrollToBottom();
  return pending;
}

$("cancel-reply").onclick = () => {
  if (!state.open) return;
  if (state.open.editing) $("input").value = "";
  state.open.replyTo = state.open.editing = null;
  chatView.renderReplyBar(state);
};

/**
 * Sends a pending message of a chat, and again when its failed bubble is tapped: with the same clientMessageId, so if
 * the first attempt was stored after all, the retry returns that message instead of storing a copy.
 */
export async function deliver(open, pending) {
  pending.failed = false;
  if (state.open === open) renderMessagesAgain();
  try {
    const stored = await (pending.upload ? sendMedia(open, pending)
      : pending.replyTo ? state.hub.invoke("Reply", open.conversationId, pending.replyTo, pending.content, pending.clientMessageId)
      : open.groupId != null ? state.hub.invoke("SendGroupMessage", open.groupId, pending.content, pending.clientMessageId)
      : state.hub.invoke("SendMessage", open.peerId, pending.content, pending.clientMessageId));
    if (state.open === open) addMessages([stored]);
    onMessage(stored);
    showChatError("");
  } catch (error) {
    pending.failed = true;
    if (state.open === open) renderMessagesAgain();
    showChatError(hubError(error));
  }
}

// ---- what a bubble's buttons do -------------------------------------------------------------------------------------

async function act(action, message, emoji) {
  const open = state.open;
  switch (action) {
    case "reply":
      Object.assign(open, { replyTo: message, editing: null });
      chatView.renderReplyBar(state);
      $("input").focus();
      return;
    case "edit":
      Object.assign(open, { editing: message, replyTo: null });
      $("input").value = message.content;
      chatView.renderReplyBar(state);
      $("input").focus();
      return;
    case "react": return changeMessage("React", message.sequence, emoji);
    case "unreact": return changeMessage("React", message.sequence, null);
    case "delete": return changeMessage("DeleteMessage", message.sequence);
    case "info": return showInfo(message);
  }
}

/** An edit, a delete or a reaction of the open chat's message; the answer is the message as it now stands. */
async function changeMessage(method, sequence, ...args) {
  const open = state.open;
  try {
    onMessageChanged(await state.hub.invoke(method, open.conversationId, sequence, ...args));
    showChatError("");
  } catch (error) {
    showChatError(hubError(error));
  }
}

async function showInfo(message) {
  const at = `/api/conversations/${message.conversationId}/messages/${message.sequence}`;
  try {
    const mine = message.fromUserId === state.session.userId;
    const [info, path] = await Promise.all([
      mine ? request("GET", `${at}/info`) : null,
      request("GET", `${at}/path`).then(pathSteps, error => error.message),
    ]);
    if (info) await knowUsers([...info.readBy, ...info.deliveredTo, ...info.pending]);
    chatView.renderInfo(info, nameOf(state), path);
  } catch (error) {
    showChatError(error.message);
  }
}
$("info-close").onclick = () => $("info-dialog").close();

/** Shows the message a quote is of, loading older pages until it is in the chat. */
async function jumpTo(sequence) {
  const open = state.open;
  while (!chatView.highlight(sequence) && open.hasMore && state.open === open) {
    await loadOlder();
  }
}
