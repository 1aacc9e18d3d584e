// The browser client of WhatsApp on Orleans. Plain modules, no framework. Message content is only ever put into the
// page as text (textContent), never as HTML.

import { applyReceipt, conversationIdOf, lineAfterMessage, lineAfterOwnReceipt, mergeStored, shardOfConversation } from "./store.js";

const config = await fetch("config.json").then(response => response.json());
const gateway = config.gatewayUrl.replace(/\/$/, "");
const PAGE_SIZE = 50;
const TYPING_IDLE_MS = 2500;
const MIN_SEARCH_LENGTH = 3;
const TYPING_SHOWN_MS = 6000;
const SHARD_REFRESH_MS = 2000;

const $ = id => document.getElementById(id);
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

// ---- state ------------------------------------------------------------------------------------------------------

const SESSION_KEY = "whatsapp.session"; // per tab, so two users can chat from two tabs of one browser
const state = {
  session: JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null"),
  connection: null,
  users: new Map(),          // userId -> {userId, displayName, shard, online, lastSeen}
  inbox: new Map(),          // conversationId -> {conversationId, peer, lastMessage, unreadCount}
  open: null,                // {peerId, conversationId, messages: Map(sequence -> message), pending: Map, hasMore, loading}
  shardCount: null, // known once the cluster answers /api/health/shards
  servingSilo: null,
  typingSent: false,
  typingTimer: 0,
  peerTypingTimer: 0,
};

// ---- gateway calls ------------------------------------------------------------------------------------------------

async function request(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (state.session) headers.Authorization = `Bearer ${state.session.token}`;
  let response;
  try {
    response = await fetch(gateway + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new Error("The gateway cannot be reached. Is it running?");
  }
  if (response.status === 401 && state.session) {
    logout("Your session has expired. Please log in again.");
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    throw new Error(problem?.detail ?? `${response.status} ${response.statusText}`);
  }
  return response.status === 204 ? null : response.json();
}

const shardOf = conversationId => shardOfConversation(conversationId, state.shardCount);
const newClientMessageId = () => crypto.randomUUID?.() ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, "0")).join("");

// ---- log in and register ------------------------------------------------------------------------------------------

let registering = false;
function showAuthMode(register) {
  registering = register;
  $("show-register").classList.toggle("active", register);
  $("show-login").classList.toggle("active", !register);
  $("name-field").hidden = !register;
  $("auth-submit").textContent = register ? "Register" : "Log in";
  $("auth-password").autocomplete = register ? "new-password" : "current-password";
  $("auth-error").textContent = "";
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
  state.connection?.stop();
  state.connection = null;
  state.session = null;
  sessionStorage.removeItem(SESSION_KEY);
  location.hash = "";
  $("app").hidden = true;
  $("auth").hidden = false;
  $("auth-error").textContent = message ?? "";
}

// ---- real time ----------------------------------------------------------------------------------------------------

function connect() {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`${gateway}/hubs/chat`, { accessTokenFactory: () => state.session.token })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: context => Math.min(500 * 2 ** context.previousRetryCount, 5000) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();

  connection.on("message", onMessage);
  connection.on("receipt", onReceipt);
  connection.on("typing", onTyping);
  connection.on("presence", onPresence);
  // A silo left the cluster: a message it had stored but not pushed yet is only in the chat list and the history.
  connection.on("resync", () => catchUp().catch(() => {}));
  connection.onreconnecting(() => { $("banner").hidden = false; });
  connection.onreconnected(async () => { $("banner").hidden = true; await catchUp(); });
  connection.onclose(() => {
    if (state.connection === connection) {
      $("banner").hidden = false;
      setTimeout(() => startConnection(connection), 2000);
    }
  });
  state.connection = connection;
  return startConnection(connection);
}

async function startConnection(connection) {
  while (state.connection === connection) {
    try {
      await connection.start();
      $("banner").hidden = true;
      await catchUp();
      return;
    } catch {
      $("banner").hidden = false;
      await new Promise(resolve => setTimeout(resolve, 2000));
    }
  }
}

// The hub answers GetInbox only after it has subscribed this connection: the inbox it returns and the events after it
// leave no gap. Called after every (re)connect.
async function catchUp() {
  const inbox = await state.connection.invoke("GetInbox");
  state.inbox = new Map(inbox.map(entry => [entry.conversationId, entry]));
  inbox.forEach(entry => entry.peer && state.users.set(entry.peer.userId, entry.peer));
  renderInbox();
  if (state.open) await loadNewest();
}

function onMessage(message) {
  const mine = message.fromUserId === state.session.userId;
  const entry = state.inbox.get(message.conversationId);
  const isOpen = state.open?.conversationId === message.conversationId;
  const seen = isOpen && document.visibilityState === "visible";
  const peerId = mine ? message.toUserId : message.fromUserId;
  const line = lineAfterMessage(entry, message, {
    me: state.session.userId,
    peer: state.users.get(peerId) ?? entry?.peer ?? { userId: peerId, displayName: String(peerId) },
    seen,
  });
  if (line !== entry) {
    state.inbox.set(message.conversationId, line);
    // A profile fetched before the conversation existed came without presence: now it may be seen.
    if (state.users.get(peerId)?.online === undefined) refreshUser(peerId);
  }
  renderInbox();
  if (isOpen) {
    addMessages([message]);
    scrollToBottom();
  }
  if (!mine) {
    state.connection.invoke("MarkDelivered", message.conversationId, message.sequence).catch(() => {});
    if (seen) markRead(message.conversationId, message.sequence);
  }
}

function onReceipt(receipt) {
  if (receipt.userId === state.session.userId) {
    const entry = state.inbox.get(receipt.conversationId);
    const line = lineAfterOwnReceipt(entry, receipt);
    if (line !== entry) {
      state.inbox.set(receipt.conversationId, line);
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
  renderPeerStatus(typing.isTyping);
  if (typing.isTyping) state.peerTypingTimer = setTimeout(() => renderPeerStatus(false), TYPING_SHOWN_MS);
}

function onPresence(presence) {
  const user = state.users.get(presence.userId);
  if (user) Object.assign(user, { online: presence.online, lastSeen: presence.lastSeen ?? user.lastSeen });
  renderInbox();
  if (state.open?.peerId === presence.userId) renderPeerStatus(false);
}

async function refreshUser(userId) {
  try {
    state.users.set(userId, await request("GET", `/api/users/${userId}`));
    renderInbox();
    if (state.open?.peerId === userId) renderChatHeader();
  } catch { /* the chat list shows the number until the profile loads */ }
}

// ---- chat list and people -----------------------------------------------------------------------------------------

function avatar(user, node = el("div", "avatar")) {
  node.textContent = (user?.displayName ?? "?").trim().charAt(0).toUpperCase() || "?";
  node.style.background = `hsl(${Number(user?.userId ?? 0) % 360} 45% 50%)`;
  node.classList.toggle("online", Boolean(user?.online));
  return node;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
const shortDay = new Intl.DateTimeFormat(undefined, { day: "2-digit", month: "2-digit", year: "2-digit" });
const startOfDay = date => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
function dayLabel(date) {
  const days = Math.round((startOfDay(new Date()) - startOfDay(date)) / 86_400_000);
  return days === 0 ? "Today" : days === 1 ? "Yesterday" : dayFormat.format(date);
}
function listTime(iso) {
  const date = new Date(iso);
  return startOfDay(date) === startOfDay(new Date()) ? timeFormat.format(date) : shortDay.format(date);
}
function lastSeenText(user) {
  if (user?.online) return "online";
  if (user?.online === undefined) return ""; // presence is shown only to people who share a conversation
  if (!user?.lastSeen) return "offline";
  const date = new Date(user.lastSeen);
  return `last seen ${dayLabel(date).toLowerCase()} at ${timeFormat.format(date)}`;
}

function renderInbox() {
  const list = $("inbox");
  list.replaceChildren();
  const entries = [...state.inbox.values()].sort((a, b) => new Date(b.lastMessage.createdAt) - new Date(a.lastMessage.createdAt));
  if (entries.length === 0) {
    list.append(el("li", "muted", "No chats yet. Search for someone above to start one."));
  }
  for (const entry of entries) {
    const peer = state.users.get(entry.peer?.userId) ?? entry.peer;
    const item = el("li", entry.unreadCount > 0 ? "unread" : "");
    item.dataset.conversation = entry.conversationId;
    item.classList.toggle("active", state.open?.conversationId === entry.conversationId);
    const body = el("div", "who");
    const top = el("div", "line");
    top.append(el("span", "name", peer?.displayName ?? "?"), el("span", "when", listTime(entry.lastMessage.createdAt)));
    const bottom = el("div", "line");
    const mine = entry.lastMessage.fromUserId === state.session.userId;
    bottom.append(el("span", "preview", (mine ? "You: " : "") + entry.lastMessage.content));
    if (entry.unreadCount > 0) bottom.append(el("span", "badge", String(entry.unreadCount)));
    body.append(top, bottom);
    item.append(avatar(peer), body);
    item.onclick = () => openChat(peer.userId);
    list.append(item);
  }
}

let searchTimer = 0;
let searchGeneration = 0; // answers can arrive out of order: only the latest query's is shown
$("search").oninput = () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(search, 200);
};

async function search() {
  const generation = ++searchGeneration;
  const query = $("search").value.trim();
  const list = $("directory");
  if (!query) {
    list.hidden = true;
    $("inbox").hidden = false;
    return;
  }
  if (query.length < MIN_SEARCH_LENGTH) { // the gateway refuses shorter searches, which would list everyone
    list.replaceChildren(el("li", "muted", `Type at least ${MIN_SEARCH_LENGTH} characters of a number or a name.`));
    list.hidden = false;
    $("inbox").hidden = true;
    return;
  }
  try {
    const users = await request("GET", `/api/users?query=${encodeURIComponent(query)}&limit=30`);
    if (generation !== searchGeneration) return;
    list.replaceChildren();
    for (const user of users.filter(user => user.userId !== state.session.userId)) {
      state.users.set(user.userId, user);
      const item = el("li");
      item.dataset.user = user.userId;
      const body = el("div", "who");
      body.append(el("div", "name", user.displayName), el("div", "muted", [user.userId, `shard ${user.shard}`, lastSeenText(user)].filter(Boolean).join(" · ")));
      item.append(avatar(user), body);
      item.onclick = () => {
        $("search").value = "";
        list.hidden = true;
        $("inbox").hidden = false;
        openChat(user.userId);
      };
      list.append(item);
    }
    if (!list.children.length) list.append(el("li", "muted", "Nobody found."));
    list.hidden = false;
    $("inbox").hidden = true;
  } catch (error) {
    $("chat-error").textContent = error.message;
  }
}

// ---- a conversation -----------------------------------------------------------------------------------------------

async function openChat(peerId) {
  const conversationId = conversationIdOf(state.session.userId, peerId);
  state.open = { peerId, conversationId, messages: new Map(), pending: new Map(), hasMore: false, loading: false };
  state.servingSilo = null;
  $("shard-note").hidden = true;
  location.hash = `chat/${peerId}`;
  $("app").classList.add("chat-open");
  $("empty").hidden = true;
  $("chat-header").hidden = $("messages").hidden = $("composer").hidden = false;
  $("chat-error").textContent = "";
  if (!state.users.has(peerId)) await refreshUser(peerId);
  renderChatHeader();
  renderInbox();
  renderShards();
  await loadNewest();
  $("input").focus();
}

$("back").onclick = () => {
  state.open = null;
  location.hash = "";
  $("app").classList.remove("chat-open");
  renderInbox();
};

function renderChatHeader() {
  const peer = state.users.get(state.open.peerId);
  avatar(peer, $("peer-avatar"));
  $("peer-name").textContent = peer?.displayName ?? String(state.open.peerId);
  renderPeerShard();
  renderPeerStatus(false);
}

function renderPeerShard() {
  const shard = shardOf(state.open.conversationId);
  $("peer-shard").textContent = shard === null ? "" : `shard ${shard}`;
}

function renderPeerStatus(typing) {
  const status = $("peer-status");
  status.className = typing ? "muted typing" : "muted";
  status.textContent = typing ? "typing…" : lastSeenText(state.users.get(state.open.peerId));
}

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
    // After a reconnect more may have arrived than one page holds: page back until the pages meet what the chat
    // already showed, so no message is missing between the two.
    let page = newest;
    while (had > 0 && page.hasMore && page.messages[0].sequence > had + 1) {
      page = await historyPage(open.peerId, page.messages[0].sequence);
      if (state.open !== open) return;
      addMessages(page.messages);
    }
    scrollToBottom();
    const last = newest.messages.at(-1);
    if (last && last.fromUserId !== state.session.userId && document.visibilityState === "visible") markRead(open.conversationId, last.sequence);
  } catch (error) {
    $("chat-error").textContent = error.message;
  }
}

async function loadOlder() {
  const open = state.open;
  if (!open || open.loading || !open.hasMore) return;
  open.loading = true;
  const list = $("messages");
  const oldest = Math.min(...open.messages.keys());
  const heightBefore = list.scrollHeight;
  try {
    const page = await historyPage(open.peerId, oldest);
    if (state.open !== open) return;
    open.hasMore = page.hasMore;
    addMessages(page.messages);
    list.scrollTop += list.scrollHeight - heightBefore; // keep the message the reader was looking at in place
  } catch (error) {
    $("chat-error").textContent = error.message;
  } finally {
    open.loading = false;
  }
}
$("messages").onscroll = () => { if ($("messages").scrollTop < 120) loadOlder(); };

function addMessages(messages) {
  Object.assign(state.open, mergeStored(state.open.messages, state.open.pending, messages));
  renderMessages();
}

function renderMessages() {
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
    list.append(bubble(message));
  }
  if (atBottom) scrollToBottom();
}

function bubble(message) {
  const mine = message.fromUserId === state.session.userId;
  const item = el("li", `bubble ${mine ? "mine" : "theirs"}${message.failed ? " failed" : ""}`);
  if (message.failed) {
    // The same clientMessageId: if the first attempt was stored after all, the retry returns it instead of a copy.
    item.title = "Not sent. Tap to try again.";
    item.onclick = () => deliver(state.open, message);
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

function scrollToBottom() {
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

function markRead(conversationId, sequence) {
  const entry = state.inbox.get(conversationId);
  if (entry) {
    entry.unreadCount = 0;
    renderInbox();
  }
  state.connection?.invoke("MarkRead", conversationId, sequence).catch(() => {});
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState !== "visible" || !state.open) return;
  const last = Math.max(0, ...state.open.messages.keys());
  const entry = state.inbox.get(state.open.conversationId);
  if (last > 0 && entry?.unreadCount > 0) markRead(state.open.conversationId, last);
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
    state.connection?.invoke("Typing", state.open.conversationId, true).catch(() => {});
  }
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
};

function stopTyping() {
  clearTimeout(state.typingTimer);
  if (state.typingSent && state.open) state.connection?.invoke("Typing", state.open.conversationId, false).catch(() => {});
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
  scrollToBottom();
  await deliver(open, pending);
};

/** Sends a pending message of a chat (again, after a failure: with its own clientMessageId). */
async function deliver(open, pending) {
  pending.failed = false;
  if (state.open === open) renderMessages();
  try {
    const stored = await state.connection.invoke("SendMessage", open.peerId, pending.content, pending.clientMessageId);
    if (state.open === open) addMessages([stored]);
    onMessage(stored);
    $("chat-error").textContent = "";
  } catch (error) {
    pending.failed = true;
    if (state.open === open) renderMessages();
    $("chat-error").textContent = (error.message ?? String(error)).replace(/^.*HubException: /, "");
  }
}

// ---- the cluster behind it ----------------------------------------------------------------------------------------

let shards = [];
async function refreshShards() {
  try {
    shards = await request("GET", "/api/health/shards");
    state.shardCount = shards.length || state.shardCount;
    renderMe();
    if (state.open) renderPeerShard();
  } catch {
    shards = [];
  }
  renderShards();
}

function renderShards() {
  const list = $("shards");
  list.replaceChildren();
  const servingShard = state.open ? shardOf(state.open.conversationId) : -1;
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
  // Tell the reader when the silo serving the open chat changes: its owner died (a fallback serves it) or came back.
  const serving = shards.find(shard => shard.shard === servingShard);
  const servedBy = serving?.servedBy ?? null;
  const note = $("shard-note");
  if (serving?.status === "down") {
    note.textContent = `Shard ${serving.shard}'s silo is down: this chat is served by ${servedBy ?? "no silo yet"}.`;
    note.hidden = false;
  } else if (serving && state.servingSilo && servedBy !== state.servingSilo) {
    note.textContent = `Shard ${serving.shard} is served by a new silo: ${servedBy}.`;
    note.hidden = false;
  } else if (!serving) {
    note.hidden = true;
  }
  state.servingSilo = servedBy;
}

// ---- start --------------------------------------------------------------------------------------------------------

/** The signed-in user's line; their shard once the cluster has said how many shards there are. */
function renderMe() {
  const id = state.session.userId;
  $("me-meta").textContent = state.shardCount ? `${id} · shard ${id % state.shardCount}` : `${id}`;
}

async function start() {
  $("auth").hidden = true;
  $("app").hidden = false;
  $("me-name").textContent = state.session.displayName;
  renderMe();
  avatar({ userId: state.session.userId, displayName: state.session.displayName }, $("me-avatar"));
  // Only an operator's client is configured with the dashboard (Client__DashboardUrl); chat users never see the link.
  if (config.dashboardUrl) Object.assign($("dashboard-link"), { href: config.dashboardUrl, hidden: false });
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
