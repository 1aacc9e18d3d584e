// The chat list, and the people a search found in its place.

import { lastSeenText, listTime, previewText } from "./format.js";
import { linesByRecency } from "./store.js";
import { $, avatar, el, groupFace, nameOf } from "./views.js";

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
