// The Cluster panel: each shard's silo and database, how its grains moved in an outage, and the launcher's fault
// buttons when ./run runs behind the page.

import { failoverText, servingNote } from "./store.js";
import { $, el, shardOf } from "./views.js";

/**
 * A shard's fault buttons (only when ./run's launcher is behind the page): stop or start its silo, and, when the shard
 * has a database of its own, stop or start that. Each button says what it does to which process.
 */
function faultButtons(control, shard, pending) {
  const row = el("span", "faults");
  const button = (part, running, what) => {
    const action = running ? "stop" : "start";
    const node = el("button", `fault ${action}`, `${running ? "Stop" : "Start"} ${what}`);
    node.type = "button";
    node.disabled = pending;
    Object.assign(node.dataset, { part, shard, action });
    node.title = running ? `Kill shard ${shard}'s ${what} (as a crash would)` : `Start shard ${shard}'s ${what} again`;
    row.append(node);
  };
  const silo = control.silos.find(entry => entry.shard === shard);
  if (silo) button("silos", silo.state === "running", "silo");
  const database = control.databases.find(entry => entry.shard === shard);
  if (database) button("databases", database.state === "running", "database");
  return row;
}

/** Each shard's silo and database; returns the silo now serving the open chat, for the next render to compare. */
export function renderShards(state, cluster) {
  const { shards } = cluster;
  const list = $("shards");
  list.replaceChildren();
  const servingShard = state.open ? shardOf(cluster, state.open.conversationId) : -1;
  for (const shard of shards) {
    const item = el("li", shard.status === "down" ? "down" : "");
    item.dataset.shard = shard.shard;
    item.classList.toggle("serving", shard.shard === servingShard);
    item.append(el("span", "dot"), el("span", "silo", `shard ${shard.shard} · ${shard.silo ?? "no silo"}`),
      el("span", "muted", shard.status === "down" ? "down" : `${shard.activations} grains`));
    // Which of the deployment's databases holds the shard's data ("database 0": shards that share one say the same),
    // as the silo serving it reaches it.
    const database = el("span", `database ${shard.databaseStatus}`,
      `${shard.database ?? "database ?"} · ${shard.databaseStatus}${shard.databaseRoundTripMs != null ? ` ${shard.databaseRoundTripMs.toFixed(1)} ms` : ""}`);
    database.dataset.status = shard.databaseStatus;
    item.append(database);
    const failover = failoverText(shard);
    if (failover) item.append(el("span", "failover", failover));
    if (cluster.control) item.append(faultButtons(cluster.control, shard.shard, cluster.faultPending));
    item.title = shard.shard === servingShard ? "This shard serves the open chat" : "";
    list.append(item);
  }
  const { servedBy, text } = servingNote(shards, servingShard, cluster.servingSilo);
  const note = $("shard-note");
  if (text !== undefined) {
    note.textContent = text ?? "";
    note.hidden = text === null;
  }
  return servedBy;
}
