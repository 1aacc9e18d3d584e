// Groups: creating one with the people ticked, the members panel (rename, add, promote, remove, leave), and the
// invitations of those who may not be put into a group straight away.

import { openGroup } from "./chat.js";
import { MIN_SEARCH_LENGTH, refreshGroup } from "./chat-list.js";
import * as groupsView from "./groups-view.js";
import { invitationsList } from "./invitations.js";
import { request } from "./session.js";
import { state } from "./state.js";
import { $, nameOf, showChatError } from "./views.js";

export const invitations = invitationsList($("invitations"), {
  request,
  nameOf: userId => nameOf(state)(userId),
  onJoined: group => {
    state.groups.set(group.groupId, { ...state.groups.get(group.groupId), ...group, isMember: true });
    openGroup(group.groupId);
  },
  onError: showChatError,
});

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
    groupsView.renderPicks(listId, others, chosen(), onToggle);
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
  groupsView.renderMembers(state, group, {
    onPromote: userId => changeGroup("POST", `/admins/${userId}`),
    onRemove: userId => changeGroup("DELETE", `/members/${userId}`),
  });
}

/** The open group is no longer mine to see (I left, or was removed): its panel closes. */
export function membersPanelClosed() {
  $("members-panel").hidden = true;
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
$("close-members").onclick = membersPanelClosed;
$("add-search").oninput = () => searchToAdd($("add-search").value);
$("rename-form").onsubmit = event => {
  event.preventDefault();
  changeGroup("PUT", "/name", { name: $("rename-input").value });
};
$("leave-group").onclick = async () => {
  await changeGroup("DELETE", `/members/${state.session.userId}`);
  membersPanelClosed();
};
