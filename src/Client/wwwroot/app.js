// The start-up of the web client. Each feature is a module of its own (session, real time, chat list, chat, groups,
// the cluster panel), changing the page's state (state.js) through the pure transitions of store.js and showing it
// with its views; this only starts them, once someone is signed in.

import { openChat, openGroup, refreshBlocked } from "./chat.js";
import { renderInbox } from "./chat-list.js";
import { refreshShards } from "./cluster-panel.js";
import { connect } from "./realtime.js";
import { refreshPrivacy, startSession } from "./session.js";
import { cluster, config, state } from "./state.js";
import { renderMe, showSignedIn } from "./views.js";

startSession(async () => {
  showSignedIn(state.session, config.dashboardUrl);
  renderMe(state.session, cluster);
  renderInbox();
  refreshShards();
  refreshBlocked();
  refreshPrivacy();
  await connect();
  const [, kind, id] = location.hash.match(/^#(chat|group)\/(\d+)$/) ?? [];
  if (kind === "chat") await openChat(Number(id));
  if (kind === "group") await openGroup(Number(id));
});
