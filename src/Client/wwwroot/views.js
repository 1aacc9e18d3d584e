// The views' kit and the signing-in views. Views show a state: they read it and never change it; what a tap does is a
// feature's, passed in as callbacks. Message content only ever enters the page as text (textContent), never as HTML.

import { shardOfConversation } from "./store.js";

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

/** The shard of a conversation, once the cluster has said how many shards there are (null before). */
export const shardOf = (cluster, conversationId) => shardOfConversation(conversationId, cluster.shardCount);

/** How the page names a user: "You", their display name once known, or their number. */
export const nameOf = state => userId =>
  (userId === state.session.userId ? "You" : state.users.get(userId)?.displayName ?? String(userId));

/** A group as an avatar shows it: its name's first letter, on a colour of its own. */
export const groupFace = (groupId, name) => ({ userId: groupId, displayName: name });

/** The page's one line for what went wrong (empty: nothing). */
export const showChatError = message => { $("chat-error").textContent = message; };

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
export function renderMe(session, cluster) {
  const id = session.userId;
  $("me-meta").textContent = cluster.shardCount ? `${id} · shard ${id % cluster.shardCount}` : `${id}`;
}
