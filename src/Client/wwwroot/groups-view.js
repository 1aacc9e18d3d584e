// A group's views: people to tick for a new group, and the members panel.

import { $, avatar, el, nameOf } from "./views.js";

/** People found for a group, each with a box to tick; chosen is a Set of user ids. */
export function renderPicks(listId, users, chosen, onToggle) {
  const list = $(listId);
  list.replaceChildren();
  for (const user of users) {
    const item = el("li");
    item.dataset.user = user.userId;
    const box = el("input");
    box.type = "checkbox";
    box.checked = chosen.has(user.userId);
    box.onchange = () => onToggle(user);
    const body = el("div", "who");
    body.append(el("div", "name", user.displayName), el("div", "muted", String(user.userId)));
    item.append(box, avatar(user), body);
    item.onclick = event => { if (event.target !== box) box.click(); };
    list.append(item);
  }
}

/**
 * The group panel: its members (admins marked) and what I may do: admins rename, add, promote and remove; everyone
 * may leave. handlers: onPromote(userId), onRemove(userId).
 */
export function renderMembers(state, group, { onPromote, onRemove }) {
  const me = group.members.find(member => member.userId === state.session.userId);
  const admin = Boolean(me?.isAdmin);
  $("rename-form").hidden = $("add-members").hidden = !admin;
  $("rename-input").value = group.name;
  const list = $("members");
  list.replaceChildren();
  const names = nameOf(state);
  for (const member of group.members) {
    const item = el("li");
    item.dataset.user = member.userId;
    const body = el("div", "who");
    body.append(el("div", "name", names(member.userId)), el("div", "muted", member.isAdmin ? "admin" : String(member.userId)));
    item.append(avatar(state.users.get(member.userId) ?? { userId: member.userId, displayName: names(member.userId) }), body);
    if (admin && member.userId !== state.session.userId) {
      if (!member.isAdmin) {
        const promote = el("button", "icon", "Make admin");
        promote.dataset.action = "promote";
        promote.onclick = () => onPromote(member.userId);
        item.append(promote);
      }
      const remove = el("button", "icon", "Remove");
      remove.dataset.action = "remove";
      remove.onclick = () => onRemove(member.userId);
      item.append(remove);
    }
    list.append(item);
  }
  for (const userId of group.invited ?? []) {
    const item = el("li", "invited");
    item.dataset.invited = userId;
    const body = el("div", "who");
    body.append(el("div", "name", names(userId)), el("div", "muted", "invited: joins when they accept"));
    item.append(avatar(state.users.get(userId) ?? { userId, displayName: names(userId) }), body);
    list.append(item);
  }
  $("members-panel").hidden = false;
}
