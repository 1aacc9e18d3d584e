// The start-up of the web client: it holds the page's state, connects to the gateway (gateway.js), applies what happens
// through the pure transitions (store.js) and redraws with the views (views.js).

import { connectHub, restClient } from "./gateway.js";
import {
  applyChange, applyReceipt, conversationIdOf, groupAfterChange, groupConversationId, lineAfterChange, lineAfterMessage,
  followOutages, lineAfterOwnReceipt, mergeStored, pageLeavesAGap, pathSteps,
} from "./store.js";
import * as view from "./views.js";
import { invitationsList } from "./invitations.js";

const { $ } = view;
const config = await fetch("config.json").then(response => response.json());
const gatewayUrl = config.gatewayUrl.replace(/\/$/, "");
const PAGE_SIZE = 50;
const TYPING_IDLE_MS = 2500;
const TYPING_SHOWN_MS = 6000;
const MIN_SEARCH_LENGTH = 3;
const SHARD_REFRESH_MS = 2000;
const CATCH_UP_RETRY_MS = 2000;

const SESSION_KEY = "whatsapp.session"; // per tab, so two users can chat from two tabs of one browser
const state = {
  session: JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null"),
  hub: null,
  users: new Map(),          // userId -> {userId, displayName, shard, online, lastSeen}
  groups: new Map(),         // groupId -> {groupId, name, isMember, members?}
  blocked: new Set(),        // the userIds this user blocked
  inbox: new Map(),          // conversationId -> {conversationId, peer or groupId and group, lastMessage, unreadCount}
  open: null,                // {conversationId, peerId or groupId, messages: Map(sequence -> message), pending: Map,
                             //  hasMore, loading, replyTo, editing}
  shardCount: null,          // known once the cluster answers /api/health/shards
  shards: [],
  outages: [],               // {shard, from, to} as this page saw them: bubbles sent meanwhile are marked
  faultPending: false,       // a fault button's request is under way: the others wait
  control: null,             // the launcher's view of its silos and databases, when ./run runs behind this page
  servingSilo: null,
  typingSent: false,
  typingTimer: 0,
  peerTypingTimer: 0,
};

const request = restClient(gatewayUrl, {
  token: () => state.session?.token,
  onExpired: () => logout("Your session has expired. Please log in again."),
});
const invitations = invitationsList($("invitations"), {
  request,
  nameOf: userId => view.nameOf(state)(userId),
  onJoined: group => {
    state.groups.set(group.groupId, { ...state.groups.get(group.groupId), ...group, isMember: true });
    openGroup(group.groupId);
  },
  onError: message => view.showChatError(message),
});
const invokeQuietly = (method, ...args) => state.hub?.invoke(method, ...args).catch(() => {});
const newClientMessageId = () => crypto.randomUUID?.() ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, "0")).join("");

const renderInbox = () => view.renderInbox(state, line => (line.groupId != null ? openGroup(line.groupId) : openChat(line.peer.userId)));
const renderMessages = () => view.renderMessages(state, {
  onRetry: message => deliver(state.open, message),
  onAction: (action, message, emoji) => act(action, message, emoji),
  onJump: sequence => jumpTo(sequence),
});
const hubError = error => (error.message ?? String(error)).replace(/^.*HubException: /, "");

// ---- log in and register ------------------------------------------------------------------------------------------

let registering = false;
function showAuthMode(register) {
  registering = register;
  view.showAuthMode(register);
}
$("show-login").onclick = () => showAuthMode(false);
$("show-register").onclick = () => showAuthMode(true);

$("auth-form").onsubmit = async event => {
  event.preventDefault();
  $("auth-error").textContent = "";
  const userId = Number($("auth-user").value.trim().replace(/^\+/, ""));
  if (!Number.isSafeInteger(userId) || userId <= 0) {
    $("auth-error").textContent = "Your user id is your phone number: digits only, up to 15 of them.";
    return;
  }
  const body = { userId, password: $("auth-password").value };
  if (registering) body.displayName = $("auth-name").value;
  try {
    const auth = await request("POST", registering ? "/api/auth/register" : "/api/auth/login", body);
    state.session = auth;
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(auth));
    await start();
  } catch (error) {
    $("auth-error").textContent = error.message;
  }
};

$("logout").onclick = () => logout();

function logout(message) {
  state.hub?.stop();
  state.hub = null;
  state.session = null;
  state.blocked = new Set();
  sessionStorage.removeItem(SESSION_KEY);
  location.hash = "";
  view.showSignedOut(message);
}

// ---- real time ----------------------------------------------------------------------------------------------------

function connect() {
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

function onMessage(message) {
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
    view.scrollToBottom();
  }
  if (!mine) {
    invokeQuietly("MarkDelivered", message.conversationId, message.sequence);
    if (seen) markRead(message.conversationId, message.sequence);
  }
}

function onMessageChanged(changed) {
  const line = state.inbox.get(changed.conversationId);
  const next = lineAfterChange(line, changed);
  if (next !== line) {
    state.inbox.set(changed.conversationId, next);
    renderInbox();
  }
  if (state.open?.conversationId !== changed.conversationId) return;
  state.open.messages = applyChange(state.open.messages, changed);
  renderMessages();
}

/** A change in a group's history: its name, and whether I am still in it, for the chat list and the open chat. */
function onGroupChange(groupId, change) {
  state.groups.set(groupId, groupAfterChange(state.groups.get(groupId) ?? { groupId }, change, state.session.userId));
  if (state.open?.groupId !== groupId) return;
  if (state.groups.get(groupId).isMember) refreshGroup(groupId);
  else $("members-panel").hidden = true;
  view.renderChatHeader(state);
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
  renderMessages();
}

function onTyping(typing) {
  if (state.open?.conversationId !== typing.conversationId || typing.userId === state.session.userId) return;
  clearTimeout(state.peerTypingTimer);
  view.renderPeerStatus(state, typing.isTyping ? typing.userId : null);
  if (typing.isTyping) state.peerTypingTimer = setTimeout(() => view.renderPeerStatus(state, null), TYPING_SHOWN_MS);
}

function onPresence(presence) {
  const user = state.users.get(presence.userId);
  // "hidden": they stopped showing it to this user (their setting, or a block): forget what was shown.
  if (user) Object.assign(user, presence.hidden
    ? { online: undefined, lastSeen: undefined }
    : { online: presence.online, lastSeen: presence.lastSeen ?? user.lastSeen });
  renderInbox();
  if (state.open?.peerId === presence.userId) view.renderPeerStatus(state, null);
}

const asked = new Set(); // profiles asked for once, so a busy group does not ask again for every message
async function refreshUser(userId) {
  asked.add(userId);
  try {
    state.users.set(userId, await request("GET", `/api/users/${userId}`));
    renderInbox();
    if (state.open?.peerId === userId) view.renderChatHeader(state);
    if (state.open?.groupId != null) renderMessages();
  } catch { /* the chat list shows the number until the profile loads */ }
}

/** Names for the people a group shows (senders, members, who a change was about), each asked for once. */
function knowUsers(userIds) {
  return Promise.all(userIds.filter(userId => !state.users.has(userId) && !asked.has(userId)).map(refreshUser));
}

/** A group as a member sees it (members included); a group I left keeps what the chat list said of it. */
async function refreshGroup(groupId) {
  try {
    const group = await request("GET", `/api/groups/${groupId}`);
    state.groups.set(groupId, { ...state.groups.get(groupId), ...group, isMember: true });
    await knowUsers(group.members.map(member => member.userId));
    renderInbox();
    if (state.open?.groupId === groupId) view.renderChatHeader(state);
    return state.groups.get(groupId);
  } catch {
    return state.groups.get(groupId);
  }
}

// ---- searching people ---------------------------------------------------------------------------------------------

let searchTimer = 0;
let searchGeneration = 0; // answers can arrive out of order: only the latest query's is shown
$("search").oninput = () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(search, 200);
};

async function search() {
  const generation = ++searchGeneration;
  const query = $("search").value.trim();
  if (!query) {
    view.showDirectory(false);
    return;
  }
  if (query.length < MIN_SEARCH_LENGTH) { // the gateway refuses shorter searches, which would list everyone
    view.renderDirectoryNote(`Type at least ${MIN_SEARCH_LENGTH} characters of a number or a name.`);
    return;
  }
  try {
    const users = await request("GET", `/api/users?query=${encodeURIComponent(query)}&limit=30`);
    if (generation !== searchGeneration) return;
    const others = users.filter(user => user.userId !== state.session.userId);
    others.forEach(user => state.users.set(user.userId, user));
    view.renderDirectory(others, userId => {
      $("search").value = "";
      view.showDirectory(false);
      openChat(userId);
    });
  } catch (error) {
    view.showChatError(error.message);
  }
}

// ---- a conversation -----------------------------------------------------------------------------------------------

function openChat(peerId) {
  return openConversation({ conversationId: conversationIdOf(state.session.userId, peerId), peerId }, `chat/${peerId}`,
    () => (state.users.has(peerId) ? null : refreshUser(peerId)));
}

function openGroup(groupId) {
  return openConversation({ conversationId: groupConversationId(groupId), groupId }, `group/${groupId}`,
    () => (state.groups.get(groupId)?.isMember === false ? null : refreshGroup(groupId)));
}

async function openConversation(chat, hash, load) {
  state.open = { ...chat, messages: new Map(), pending: new Map(), hasMore: false, loading: false, replyTo: null, editing: null };
  state.servingSilo = null;
  location.hash = hash;
  view.showChat(true);
  view.renderReplyBar(state);
  await load();
  view.renderChatHeader(state);
  renderInbox();
  renderShards();
  await loadNewest();
  $("input").focus();
}

// Blocking is the user's own choice: the gateway refuses the blocked one's messages; the page only shows the state.
$("block").onclick = async () => {
  const open = state.open;
  if (!open || open.peerId == null) return;
  const blocking = !state.blocked.has(open.peerId);
  try {
    await request(blocking ? "POST" : "DELETE", `/api/users/${open.peerId}/block`);
    if (blocking) state.blocked.add(open.peerId);
    else state.blocked.delete(open.peerId);
    if (state.open === open) view.renderChatHeader(state);
  } catch (error) {
    view.showChatError(error.message);
  }
};

// Who sees this user's presence, and who may put them into groups: the gateway keeps the settings; the page shows and
// changes them, each select one setting.
const privacySelects = { presence: $("presence-visibility"), groupAdds: $("group-adds") };
for (const [setting, select] of Object.entries(privacySelects)) {
  select.onchange = async () => {
    try {
      await request("PUT", "/api/users/me/privacy", { [setting]: select.value });
    } catch (error) {
      view.showChatError(error.message);
      await refreshPrivacy();
    }
  };
}

async function refreshPrivacy() {
  try {
    const settings = await request("GET", "/api/users/me/privacy");
    for (const [setting, select] of Object.entries(privacySelects)) select.value = settings[setting];
  } catch {
    // Shown as the default until the next sign-in reads it; changing it still works.
  }
}

async function refreshBlocked() {
  try {
    state.blocked = new Set(await request("GET", "/api/users/blocked"));
    if (state.open) view.renderChatHeader(state);
  } catch {
    // The chat works without it; the header shows "Block" until the next sign-in reads it.
  }
}

$("back").onclick = () => {
  state.open = null;
  location.hash = "";
  view.showChat(false);
  renderInbox();
};

function historyPage(open, beforeSequence) {
  const query = `${beforeSequence ? `beforeSequence=${beforeSequence}&` : ""}limit=${PAGE_SIZE}`;
  return request("GET", open.groupId != null
    ? `/api/groups/${open.groupId}/messages?${query}`
    : `/api/conversations/${state.session.userId}/${open.peerId}?${query}`);
}

async function loadNewest() {
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
    view.scrollToBottom();
    const last = newest.messages.at(-1);
    if (last && last.fromUserId !== state.session.userId && document.visibilityState === "visible") markRead(open.conversationId, last.sequence);
  } catch (error) {
    view.showChatError(error.message);
  }
}

async function loadOlder() {
  const open = state.open;
  if (!open || open.loading || !open.hasMore) return;
  open.loading = true;
  try {
    await view.keepingScrollPosition(async () => {
      const page = await historyPage(open, Math.min(...open.messages.keys()));
      if (state.open !== open) return;
      open.hasMore = page.hasMore;
      addMessages(page.messages);
    });
  } catch (error) {
    view.showChatError(error.message);
  } finally {
    open.loading = false;
  }
}
$("messages").onscroll = () => { if ($("messages").scrollTop < 120) loadOlder(); };

function addMessages(messages) {
  Object.assign(state.open, mergeStored(state.open.messages, state.open.pending, messages));
  renderMessages();
}

function markRead(conversationId, sequence) {
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
  if (!content || !state.open) return;
  const open = state.open;
  $("input").value = "";
  $("input").style.height = "auto";
  stopTyping();
  if (open.editing) {
    const editing = open.editing;
    open.editing = null;
    view.renderReplyBar(state);
    await changeMessage("EditMessage", editing.sequence, content);
    return;
  }
  const clientMessageId = newClientMessageId();
  const pending = {
    clientMessageId, content, fromUserId: state.session.userId, createdAt: new Date().toISOString(), kind: "text",
    replyTo: open.replyTo?.sequence,
    quote: open.replyTo && { sequence: open.replyTo.sequence, fromUserId: open.replyTo.fromUserId, preview: open.replyTo.content, kind: "text" },
  };
  open.pending.set(clientMessageId, pending);
  open.replyTo = null;
  view.renderReplyBar(state);
  view.scrollToBottom();
  await deliver(open, pending);
};

$("cancel-reply").onclick = () => {
  if (!state.open) return;
  if (state.open.editing) $("input").value = "";
  state.open.replyTo = state.open.editing = null;
  view.renderReplyBar(state);
};

/**
 * Sends a pending message of a chat, and again when its failed bubble is tapped: with the same clientMessageId, so if
 * the first attempt was stored after all, the retry returns that message instead of storing a copy.
 */
async function deliver(open, pending) {
  pending.failed = false;
  if (state.open === open) renderMessages();
  try {
    const stored = await (pending.replyTo
      ? state.hub.invoke("Reply", open.conversationId, pending.replyTo, pending.content, pending.clientMessageId)
      : open.groupId != null
        ? state.hub.invoke("SendGroupMessage", open.groupId, pending.content, pending.clientMessageId)
        : state.hub.invoke("SendMessage", open.peerId, pending.content, pending.clientMessageId));
    if (state.open === open) addMessages([stored]);
    onMessage(stored);
    view.showChatError("");
  } catch (error) {
    pending.failed = true;
    if (state.open === open) renderMessages();
    view.showChatError(hubError(error));
  }
}

// ---- what a bubble's buttons do -------------------------------------------------------------------------------------

async function act(action, message, emoji) {
  const open = state.open;
  switch (action) {
    case "reply":
      Object.assign(open, { replyTo: message, editing: null });
      view.renderReplyBar(state);
      $("input").focus();
      return;
    case "edit":
      Object.assign(open, { editing: message, replyTo: null });
      $("input").value = message.content;
      view.renderReplyBar(state);
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
    view.showChatError("");
  } catch (error) {
    view.showChatError(hubError(error));
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
    view.renderInfo(info, view.nameOf(state), path);
  } catch (error) {
    view.showChatError(error.message);
  }
}
$("info-close").onclick = () => $("info-dialog").close();

/** Shows the message a quote is of, loading older pages until it is in the chat. */
async function jumpTo(sequence) {
  const open = state.open;
  while (!view.highlight(sequence) && open.hasMore && state.open === open) {
    await loadOlder();
  }
}

// ---- groups -------------------------------------------------------------------------------------------------------

/** A search box listing people to tick; returns the search function for its input. */
function peoplePicker(listId, chosen, onToggle) {
  let generation = 0;
  return async query => {
    const mine = ++generation;
    if (query.trim().length < MIN_SEARCH_LENGTH) {
      $(listId).replaceChildren();
      return;
    }
    const users = await request("GET", `/api/users?query=${encodeURIComponent(query.trim())}&limit=20`).catch(() => []);
    if (mine !== generation) return;
    const others = users.filter(user => user.userId !== state.session.userId);
    others.forEach(user => state.users.set(user.userId, { ...state.users.get(user.userId), ...user }));
    view.renderPicks(listId, others, chosen(), onToggle);
  };
}

const chosenForGroup = new Map();
const searchForGroup = peoplePicker("group-results", () => new Set(chosenForGroup.keys()), user => {
  if (chosenForGroup.has(user.userId)) chosenForGroup.delete(user.userId);
  else chosenForGroup.set(user.userId, user);
  $("group-chosen").textContent = [...chosenForGroup.values()].map(chosen => chosen.displayName).join(", ") || "nobody yet";
});

$("new-group").onclick = () => {
  chosenForGroup.clear();
  $("group-form").reset();
  $("group-results").replaceChildren();
  $("group-chosen").textContent = "nobody yet";
  $("group-error").textContent = "";
  $("group-dialog").showModal();
};
$("group-cancel").onclick = () => $("group-dialog").close();
$("group-search").oninput = () => searchForGroup($("group-search").value);
$("group-form").onsubmit = async event => {
  event.preventDefault();
  try {
    const group = await request("POST", "/api/groups", { name: $("group-name").value, memberIds: [...chosenForGroup.keys()] });
    state.groups.set(group.groupId, { ...group, isMember: true });
    $("group-dialog").close();
    await openGroup(group.groupId);
    // Some chose to be invited rather than added: the members panel shows whom.
    if (group.invited?.length) await showMembers();
  } catch (error) {
    $("group-error").textContent = error.message;
  }
};

async function showMembers() {
  const groupId = state.open?.groupId;
  const group = await refreshGroup(groupId);
  if (!group?.members || state.open?.groupId !== groupId) return;
  $("members-error").textContent = "";
  view.renderMembers(state, group, {
    onPromote: userId => changeGroup("POST", `/admins/${userId}`),
    onRemove: userId => changeGroup("DELETE", `/members/${userId}`),
  });
}

/** A change of the open group; the panel shows the group as it stands after it. */
async function changeGroup(method, path, body) {
  const groupId = state.open.groupId;
  try {
    const group = await request(method, `/api/groups/${groupId}${path}`, body);
    if (group.members.some(member => member.userId === state.session.userId)) {
      state.groups.set(groupId, { ...state.groups.get(groupId), ...group, isMember: true });
      await showMembers();
    }
  } catch (error) {
    $("members-error").textContent = error.message;
  }
}

const searchToAdd = peoplePicker("add-results", () => new Set(), async user => {
  $("add-search").value = "";
  $("add-results").replaceChildren();
  await changeGroup("POST", "/members", { userIds: [user.userId] });
});

$("show-members").onclick = showMembers;
$("close-members").onclick = () => { $("members-panel").hidden = true; };
$("add-search").oninput = () => searchToAdd($("add-search").value);
$("rename-form").onsubmit = event => {
  event.preventDefault();
  changeGroup("PUT", "/name", { name: $("rename-input").value });
};
$("leave-group").onclick = async () => {
  await changeGroup("DELETE", `/members/${state.session.userId}`);
  $("members-panel").hidden = true;
};

// ---- the cluster behind it ----------------------------------------------------------------------------------------

function renderShards() {
  state.servingSilo = view.renderShards(state, state.shards);
}

async function refreshShards() {
  const control = config.controls ? readControl() : null;
  try {
    state.shards = await request("GET", "/api/health/shards");
    state.shardCount = state.shards.length || state.shardCount;
    state.outages = followOutages(state.outages, state.shards, Date.now());
    view.renderMe(state);
    if (state.open) view.renderPeerShard(state);
  } catch {
    state.shards = [];
  }
  if (control) state.control = await control;
  renderShards();
}

// The fault buttons talk to this page's own host, which relays to the launcher (the header proves it is this page).
async function controlRequest(method, path) {
  const response = await fetch(`control${path}`, { method, headers: { "X-Chat-Client": "cluster-panel" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.detail ?? `The launcher answered ${response.status}.`);
  return body;
}

async function readControl() {
  try {
    return await controlRequest("GET", "/cluster");
  } catch {
    return state.control;
  }
}

$("shards").onclick = async event => {
  const button = event.target.closest("button.fault");
  if (!button) return;
  const { part, shard, action } = button.dataset;
  state.faultPending = true;
  for (const fault of document.querySelectorAll("#shards button.fault")) fault.disabled = true;
  const note = $("fault-note");
  note.hidden = false;
  note.textContent = `${action === "stop" ? "Stopping" : "Starting"} shard ${shard}'s ${part === "silos" ? "silo" : "database"}…`;
  try {
    state.control = await controlRequest("POST", `/${part}/${shard}/${action}`);
    note.textContent = action === "stop"
      ? `Shard ${shard}'s ${part === "silos" ? "silo was killed: the cluster notices within seconds, and another silo takes the shard over" : "database was stopped: sends to its conversations are refused until it is back, and nothing is lost"}.`
      : `Shard ${shard}'s ${part === "silos" ? "silo is starting: its grains go home once it has joined" : "database is up again"}.`;
  } catch (error) {
    note.textContent = error.message;
  }
  state.faultPending = false;
  await refreshShards();
};

// ---- start --------------------------------------------------------------------------------------------------------

async function start() {
  view.showSignedIn(state.session, config.dashboardUrl);
  view.renderMe(state);
  renderInbox();
  refreshShards();
  refreshBlocked();
  refreshPrivacy();
  await connect();
  const [, kind, id] = location.hash.match(/^#(chat|group)\/(\d+)$/) ?? [];
  if (kind === "chat") await openChat(Number(id));
  if (kind === "group") await openGroup(Number(id));
}

setInterval(() => { if (state.session && document.visibilityState === "visible") refreshShards(); }, SHARD_REFRESH_MS);

if (state.session) {
  start();
} else {
  view.showSignedOut();
  showAuthMode(false);
}
