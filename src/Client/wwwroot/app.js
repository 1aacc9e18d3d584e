// The start-up of the web client: it holds the page's state, connects to the gateway (gateway.js), applies what happens
// through the pure transitions (store.js) and redraws with the views (views.js).

import { connectHub, restClient } from "./gateway.js";
import {
  applyReceipt, conversationIdOf, lineAfterMessage, lineAfterOwnReceipt, mergeStored, pageLeavesAGap,
} from "./store.js";
import * as view from "./views.js";

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
  inbox: new Map(),          // conversationId -> {conversationId, peer, lastMessage, unreadCount}
  open: null,                // {peerId, conversationId, messages: Map(sequence -> message), pending: Map, hasMore, loading}
  shardCount: null,          // known once the cluster answers /api/health/shards
  shards: [],
  servingSilo: null,
  typingSent: false,
  typingTimer: 0,
  peerTypingTimer: 0,
};

const request = restClient(gatewayUrl, {
  token: () => state.session?.token,
  onExpired: () => logout("Your session has expired. Please log in again."),
});
const invokeQuietly = (method, ...args) => state.hub?.invoke(method, ...args).catch(() => {});
const newClientMessageId = () => crypto.randomUUID?.() ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, "0")).join("");

const renderInbox = () => view.renderInbox(state, openChat);
const renderMessages = () => view.renderMessages(state, message => deliver(state.open, message));

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
  sessionStorage.removeItem(SESSION_KEY);
  location.hash = "";
  view.showSignedOut(message);
}

// ---- real time ----------------------------------------------------------------------------------------------------

function connect() {
  const hub = connectHub(gatewayUrl, () => state.session.token, {
    events: {
      message: onMessage,
      receipt: onReceipt,
      typing: onTyping,
      presence: onPresence,
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
    renderInbox();
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
  const peerId = mine ? message.toUserId : message.fromUserId;
  const next = lineAfterMessage(line, message, {
    me: state.session.userId,
    peer: state.users.get(peerId) ?? line?.peer ?? { userId: peerId, displayName: String(peerId) },
    seen,
  });
  if (next !== line) {
    state.inbox.set(message.conversationId, next);
    // A profile fetched before the conversation existed came without presence: now it may be seen.
    if (state.users.get(peerId)?.online === undefined) refreshUser(peerId);
  }
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
  if (state.open?.conversationId !== typing.conversationId || typing.userId !== state.open.peerId) return;
  clearTimeout(state.peerTypingTimer);
  view.renderPeerStatus(state, typing.isTyping);
  if (typing.isTyping) state.peerTypingTimer = setTimeout(() => view.renderPeerStatus(state, false), TYPING_SHOWN_MS);
}

function onPresence(presence) {
  const user = state.users.get(presence.userId);
  if (user) Object.assign(user, { online: presence.online, lastSeen: presence.lastSeen ?? user.lastSeen });
  renderInbox();
  if (state.open?.peerId === presence.userId) view.renderPeerStatus(state, false);
}

async function refreshUser(userId) {
  try {
    state.users.set(userId, await request("GET", `/api/users/${userId}`));
    renderInbox();
    if (state.open?.peerId === userId) view.renderChatHeader(state);
  } catch { /* the chat list shows the number until the profile loads */ }
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

async function openChat(peerId) {
  const conversationId = conversationIdOf(state.session.userId, peerId);
  state.open = { peerId, conversationId, messages: new Map(), pending: new Map(), hasMore: false, loading: false };
  state.servingSilo = null;
  location.hash = `chat/${peerId}`;
  view.showChat(true);
  if (!state.users.has(peerId)) await refreshUser(peerId);
  view.renderChatHeader(state);
  renderInbox();
  renderShards();
  await loadNewest();
  $("input").focus();
}

$("back").onclick = () => {
  state.open = null;
  location.hash = "";
  view.showChat(false);
  renderInbox();
};

const historyPage = (peerId, beforeSequence) => request("GET",
  `/api/conversations/${state.session.userId}/${peerId}?${beforeSequence ? `beforeSequence=${beforeSequence}&` : ""}limit=${PAGE_SIZE}`);

async function loadNewest() {
  const open = state.open;
  const had = Math.max(0, ...open.messages.keys()); // the newest message this chat already shows
  try {
    const newest = await historyPage(open.peerId);
    if (state.open !== open) return;
    if (open.messages.size === 0) open.hasMore = newest.hasMore;
    addMessages(newest.messages);
    // Page back until the pages meet what the chat already showed, so no message is missing between the two.
    for (let page = newest; pageLeavesAGap(had, page);) {
      page = await historyPage(open.peerId, page.messages[0].sequence);
      if (state.open !== open) return;
      addMessages(page.messages);
    }
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
      const page = await historyPage(open.peerId, Math.min(...open.messages.keys()));
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
  const clientMessageId = newClientMessageId();
  const pending = { clientMessageId, content, fromUserId: state.session.userId, createdAt: new Date().toISOString() };
  open.pending.set(clientMessageId, pending);
  $("input").value = "";
  $("input").style.height = "auto";
  stopTyping();
  view.scrollToBottom();
  await deliver(open, pending);
};

/**
 * Sends a pending message of a chat, and again when its failed bubble is tapped: with the same clientMessageId, so if
 * the first attempt was stored after all, the retry returns that message instead of storing a copy.
 */
async function deliver(open, pending) {
  pending.failed = false;
  if (state.open === open) renderMessages();
  try {
    const stored = await state.hub.invoke("SendMessage", open.peerId, pending.content, pending.clientMessageId);
    if (state.open === open) addMessages([stored]);
    onMessage(stored);
    view.showChatError("");
  } catch (error) {
    pending.failed = true;
    if (state.open === open) renderMessages();
    view.showChatError((error.message ?? String(error)).replace(/^.*HubException: /, ""));
  }
}

// ---- the cluster behind it ----------------------------------------------------------------------------------------

function renderShards() {
  state.servingSilo = view.renderShards(state, state.shards);
}

async function refreshShards() {
  try {
    state.shards = await request("GET", "/api/health/shards");
    state.shardCount = state.shards.length || state.shardCount;
    view.renderMe(state);
    if (state.open) view.renderPeerShard(state);
  } catch {
    state.shards = [];
  }
  renderShards();
}

// ---- start --------------------------------------------------------------------------------------------------------

async function start() {
  view.showSignedIn(state.session, config.dashboardUrl);
  view.renderMe(state);
  renderInbox();
  refreshShards();
  await connect();
  const peer = Number(location.hash.match(/^#chat\/(\d+)$/)?.[1]);
  if (peer) await openChat(peer);
}

setInterval(() => { if (state.session && document.visibilityState === "visible") refreshShards(); }, SHARD_REFRESH_MS);

if (state.session) {
  start();
} else {
  showAuthMode(false);
}
