// The page's state, in two parts: the chat's (who is signed in and what they see) and the demo's (the cluster behind
// the chat, as the Cluster panel shows it). The features change it; the views only read it.

export const config = await fetch("config.json").then(response => response.json());
export const gatewayUrl = config.gatewayUrl.replace(/\/$/, "");

export const SESSION_KEY = "whatsapp.session"; // per tab, so two users can chat from two tabs of one browser

/** The chat. */
export const state = {
  session: JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null"),
  hub: null,
  users: new Map(),          // userId -> {userId, displayName, shard, online, lastSeen}
  groups: new Map(),         // groupId -> {groupId, name, isMember, members?}
  blocked: new Set(),        // the userIds this user blocked
  inbox: new Map(),          // conversationId -> {conversationId, peer or groupId and group, lastMessage, unreadCount}
  open: null,                // {conversationId, peerId or groupId, messages: Map(sequence -> message), pending: Map,
                             //  hasMore, loading, replyTo, editing}
  typingSent: false,
  typingTimer: 0,
  peerTypingTimer: 0,
};

/** The demo: the shards, the outages this page saw, and the launcher's fault buttons. */
export const cluster = {
  shardCount: null,          // known once the cluster answers /api/health/shards
  shards: [],
  outages: [],               // {shard, from, to} as this page saw them: bubbles sent meanwhile are marked
  faultPending: false,       // a fault button's request is under way: the others wait
  control: null,             // the launcher's view of its silos and databases, when ./run runs behind this page
  servingSilo: null,         // the silo serving the open chat at the last render, to notice a new one
};
