// Invitations to groups: the people who may not put this user straight into a group invite them instead. The list
// sits above the chats; Join makes the user a member (the group's history then arrives as any message does), Decline
// drops it. The gateway keeps the list, so every tab shows the same.

const byNewest = (a, b) => new Date(b.expiresAt) - new Date(a.expiresAt);

/**
 * Wires the invitations list: request is the REST client, nameOf names an inviter, onJoined(group) opens the group,
 * onError(message) shows what went wrong. Returns refresh() (read the list again) and offered(invitation) (an event).
 */
export function invitationsList(list, { request, nameOf, onJoined, onError }) {
  let invitations = [];

  function render() {
    list.hidden = invitations.length === 0;
    list.replaceChildren(...invitations.map(invitation => {
      const item = document.createElement("li");
      item.className = "invitation";
      item.dataset.group = invitation.groupId;
      const text = document.createElement("div");
      text.className = "who";
      text.append(
        Object.assign(document.createElement("div"), { className: "name", textContent: invitation.groupName }),
        Object.assign(document.createElement("div"), { className: "preview", textContent: `${nameOf(invitation.invitedBy)} invited you` }));
      const join = Object.assign(document.createElement("button"), { type: "button", className: "join", textContent: "Join" });
      const decline = Object.assign(document.createElement("button"), { type: "button", className: "decline", textContent: "Decline" });
      join.onclick = () => answer(invitation, "POST", "join");
      decline.onclick = () => answer(invitation, "DELETE", "invitation");
      item.append(text, join, decline);
      return item;
    }));
  }

  async function answer(invitation, method, path) {
    try {
      const group = await request(method, `/api/groups/${invitation.groupId}/${path}`);
      invitations = invitations.filter(kept => kept.groupId !== invitation.groupId);
      render();
      if (group) onJoined(group);
    } catch (error) {
      onError(error.message);
      await refresh();
    }
  }

  async function refresh() {
    try {
      invitations = await request("GET", "/api/groups/invitations");
      render();
    } catch {
      // Shown at the next event or sign-in; the gateway keeps them.
    }
  }

  function offered(invitation) {
    invitations = [invitation, ...invitations.filter(kept => kept.groupId !== invitation.groupId)].sort(byNewest);
    render();
  }

  return { refresh, offered };
}
