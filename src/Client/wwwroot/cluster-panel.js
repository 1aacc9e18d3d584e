// The demo beside the chat: the Cluster panel polls the shards' health, remembers the outages it saw (bubbles sent
// meanwhile are marked), and, when ./run's launcher is behind the page, offers to stop and start silos and databases.

import { renderPeerShard } from "./chat-view.js";
import * as clusterView from "./cluster-view.js";
import { request } from "./session.js";
import { cluster, config, state } from "./state.js";
import { followOutages } from "./store.js";
import { $, renderMe } from "./views.js";

const SHARD_REFRESH_MS = 2000;

export function renderShards() {
  cluster.servingSilo = clusterView.renderShards(state, cluster);
}

export async function refreshShards() {
  const control = config.controls ? readControl() : null;
  try {
    cluster.shards = await request("GET", "/api/health/shards");
    cluster.shardCount = cluster.shards.length || cluster.shardCount;
    cluster.outages = followOutages(cluster.outages, cluster.shards, Date.now());
    renderMe(state.session, cluster);
    if (state.open) renderPeerShard(state, cluster);
  } catch {
    cluster.shards = [];
  }
  if (control) cluster.control = await control;
  renderShards();
}

// The fault buttons talk to this page's own host, which relays to the launcher (the header proves it is this page).
async function controlRequest(method, path) {
  const response = await fetch(`control${path}`, { method, headers: { "X-Chat-Client": "cluster-panel" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.detail ?? `The launcher answered ${response.status}.`);
  return body;
}

async function readControl() {
  try {
    return await controlRequest("GET", "/cluster");
  } catch {
    return cluster.control;
  }
}

$("shards").onclick = async event => {
  const button = event.target.closest("button.fault");
  if (!button) return;
  const { part, shard, action } = button.dataset;
  cluster.faultPending = true;
  for (const fault of document.querySelectorAll("#shards button.fault")) fault.disabled = true;
  const note = $("fault-note");
  note.hidden = false;
  note.textContent = `${action === "stop" ? "Stopping" : "Starting"} shard ${shard}'s ${part === "silos" ? "silo" : "database"}…`;
  try {
    cluster.control = await controlRequest("POST", `/${part}/${shard}/${action}`);
    note.textContent = action === "stop"
      ? `Shard ${shard}'s ${part === "silos" ? "silo was killed: the cluster notices within seconds, and another silo takes the shard over" : "database was stopped: sends to its conversations are refused until it is back, and nothing is lost"}.`
      : `Shard ${shard}'s ${part === "silos" ? "silo is starting: its grains go home once it has joined" : "database is up again"}.`;
  } catch (error) {
    note.textContent = error.message;
  }
  cluster.faultPending = false;
  await refreshShards();
};

setInterval(() => { if (state.session && document.visibilityState === "visible") refreshShards(); }, SHARD_REFRESH_MS);
