// Real time: the hub connection, the catch-up after every (re)connect, and what each pushed event changes.

import { addMessages, loadNewest, markRead, renderChatHeader, renderMessagesAgain } from "./chat.js";
import { knowUsers, refreshGroup, refreshUser, renderInbox } from "./chat-list.js";
import { renderPeerStatus, scrollToBottom } from "./chat-view.js";
import { connectHub } from "./gateway.js";
import { invitations, membersPanelClosed } from "./groups.js";
import { gatewayUrl, state } from "./state.js";
import { applyChange, applyReceipt, groupAfterChange, lineAfterChange, lineAfterMessage, lineAfterOwnReceipt } from "./store.js";
import { $ } from "./views.js";

const TYPING_SHOWN_MS = 6000;
const CATCH_UP_RETRY_MS = 2000;

/** A hub call whose failure the page can live with (a mark, a typing signal): the next one carries the state. */
export const invokeQuietly = (method, ...args) => state.hub?.invoke(method, ...args).catch(() => {});

export function connect() {
  const hub = connectHub(gatewayUrl, () => state.session.token, {
    events: {
      message: onMessage,
      messageChanged: onMessageChanged,
      receipt: onReceipt,
      typing: onTyping,
      presence: onPresence,
      groupInvitation: invitation => invitations.offered(invitation),
      // A silo left the cluster: a message it had stored but not pushed yet is only in the chat list and the history.
      resync: () => catchUp(hub),
    },
    onUp: () => {
      $("banner").hidden = true;
      return catchUp(hub);
    },
    onDown: () => { $("banner").hidden = false; },
  });
  state.hub = hub;
  return hub.started;
}

// The hub answers GetInbox only after it has subscribed this connection: the inbox it returns and the events after it
// leave no gap. Runs after every (re)connect; a failed catch-up (a silo on its way out) is tried again.
async function catchUp(hub) {
  if (state.hub !== hub) return;
  try {
    const inbox = await hub.invoke("GetInbox");
    state.inbox = new Map(inbox.map(line => [line.conversationId, line]));
    inbox.forEach(line => line.peer && state.users.set(line.peer.userId, line.peer));
    inbox.forEach(line => line.group && state.groups.set(line.groupId, { ...state.groups.get(line.groupId), ...line.group }));
    renderInbox();
    invitations.refresh();
    if (state.open) await loadNewest();
  } catch {
    setTimeout(() => catchUp(hub), CATCH_UP_RETRY_MS);
  }
}

export function onMessage(message) {
  const mine = message.fromUserId === state.session.userId;
  const line = state.inbox.get(message.conversationId);
  const isOpen = state.open?.conversationId === message.conversationId;
  const seen = isOpen && document.visibilityState === "visible";
  const groupId = message.groupId ?? null;
  if (groupId != null && message.kind === "groupChange") onGroupChange(groupId, message.change);
  const peerId = groupId != null ? null : mine ? message.toUserId : message.fromUserId;
  const next = lineAfterMessage(line, message, {
    me: state.session.userId,
    peer: peerId == null ? null : state.users.get(peerId) ?? line?.peer ?? { userId: peerId, displayName: String(peerId) },
    group: groupId == null ? null : state.groups.get(groupId),
    seen,
  });
  if (next !== line) {
    state.inbox.set(message.conversationId, next);
    // A profile fetched before the conversation existed came without presence: now it may be seen.
    if (peerId != null && state.users.get(peerId)?.online === undefined) refreshUser(peerId);
    if (groupId != null && !state.groups.get(groupId)?.name) refreshGroup(groupId);
  }
  knowUsers([message.fromUserId, ...(message.change?.userIds ?? [])]);
  renderInbox();
  if (isOpen) {
    addMessages([message]);
    scrollToBottom();
  }
  if (!mine) {
    invokeQuietly("MarkDelivered", message.conversationId, message.sequence);
    if (seen) markRead(message.conversationId, message.sequence);
  }
}

export function onMessageChanged(changed) {
  const line = state.inbox.get(changed.conversationId);
  const next = lineAfterChange(line, changed);
  if (next !== line) {
    state.inbox.set(changed.conversationId, next);
    renderInbox();
  }
  if (state.open?.conversationId !== changed.conversationId) return;
  state.open.messages = applyChange(state.open.messages, changed);
  renderMessagesAgain();
}

/** A change in a group's history: its name, and whether I am still in it, for the chat list and the open chat. */
function onGroupChange(groupId, change) {
  state.groups.set(groupId, groupAfterChange(state.groups.get(groupId) ?? { groupId }, change, state.session.userId));
  if (state.open?.groupId !== groupId) return;
  if (state.groups.get(groupId).isMember) refreshGroup(groupId);
  else membersPanelClosed();
  renderChatHeader();
}

function onReceipt(receipt) {
  if (receipt.userId === state.session.userId) {
    const line = state.inbox.get(receipt.conversationId);
    const next = lineAfterOwnReceipt(line, receipt);
    if (next !== line) {
      state.inbox.set(receipt.conversationId, next);
      renderInbox();
    }
    return;
  }
  if (state.open?.conversationId !== receipt.conversationId) return;
  state.open.messages = applyReceipt(state.open.messages, state.session.userId, receipt);
  renderMessagesAgain();
}

function onTyping(typing) {
  if (state.open?.conversationId !== typing.conversationId || typing.userId === state.session.userId) return;
  clearTimeout(state.peerTypingTimer);
  renderPeerStatus(state, typing.isTyping ? typing.userId : null);
  if (typing.isTyping) state.peerTypingTimer = setTimeout(() => renderPeerStatus(state, null), TYPING_SHOWN_MS);
}

function onPresence(presence) {
  const user = state.users.get(presence.userId);
  // "hidden": they stopped showing it to this user (their setting, or a block): forget what was shown.
  if (user) Object.assign(user, presence.hidden
    ? { online: undefined, lastSeen: undefined }
    : { online: presence.online, lastSeen: presence.lastSeen ?? user.lastSeen });
  renderInbox();
  if (state.open?.peerId === presence.userId) renderPeerStatus(state, null);
}
