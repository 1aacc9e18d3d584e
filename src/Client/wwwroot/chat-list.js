// The chat list, the people and groups the page knows (names, presence, members), and finding someone to chat with.

import * as listView from "./chat-list-view.js";
import { openChat, openGroup, renderChatHeader, renderMessagesAgain } from "./chat.js";
import { request } from "./session.js";
import { state } from "./state.js";
import { $, showChatError } from "./views.js";

/** The gateway refuses shorter searches, which would list everyone. */
export const MIN_SEARCH_LENGTH = 3;

export const renderInbox = () =>
  listView.renderInbox(state, line => (line.groupId != null ? openGroup(line.groupId) : openChat(line.peer.userId)));

const asked = new Set(); // profiles asked for once, so a busy group does not ask again for every message
export async function refreshUser(userId) {
  asked.add(userId);
  try {
    state.users.set(userId, await request("GET", `/api/users/${userId}`));
    renderInbox();
    if (state.open?.peerId === userId) renderChatHeader();
    if (state.open?.groupId != null) renderMessagesAgain();
  } catch { /* the chat list shows the number until the profile loads */ }
}

/** Names for the people a group shows (senders, members, who a change was about), each asked for once. */
export function knowUsers(userIds) {
  return Promise.all(userIds.filter(userId => !state.users.has(userId) && !asked.has(userId)).map(refreshUser));
}

/** A group as a member sees it (members included); a group I left keeps what the chat list said of it. */
export async function refreshGroup(groupId) {
  try {
    const group = await request("GET", `/api/groups/${groupId}`);
    state.groups.set(groupId, { ...state.groups.get(groupId), ...group, isMember: true });
    await knowUsers(group.members.map(member => member.userId));
    renderInbox();
    if (state.open?.groupId === groupId) renderChatHeader();
    return state.groups.get(groupId);
  } catch {
    return state.groups.get(groupId);
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
  if (!query) {
    listView.showDirectory(false);
    return;
  }
  if (query.length < MIN_SEARCH_LENGTH) {
    listView.renderDirectoryNote(`Type at least ${MIN_SEARCH_LENGTH} characters of a number or a name.`);
    return;
  }
  try {
    const users = await request("GET", `/api/users?query=${encodeURIComponent(query)}&limit=30`);
    if (generation !== searchGeneration) return;
    const others = users.filter(user => user.userId !== state.session.userId);
    others.forEach(user => state.users.set(user.userId, user));
    listView.renderDirectory(others, userId => {
      $("search").value = "";
      listView.showDirectory(false);
      openChat(userId);
    });
  } catch (error) {
    showChatError(error.message);
  }
}
