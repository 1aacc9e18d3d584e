// The gateway connection: REST calls and media transfers that carry the session's token, and the SignalR hub that
// pushes chat events. It knows nothing of the page; the start-up tells it whose token to send and what to do on each
// event.

import { nextSlice } from "./store.js";

/**
 * A REST caller for the gateway at baseUrl. token() gives the current session's token (or nothing); onExpired runs
 * when the gateway answers 401 to a call made with one. A problem response becomes an Error with its detail.
 */
export function restClient(baseUrl, { token, onExpired }) {
  return async function request(method, path, body) {
    const headers = { "Content-Type": "application/json" };
    const bearer = token();
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    let response;
    try {
      response = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw unreachable();
    }
    if (response.status === 401 && bearer) onExpired();
    if (!response.ok) throw problemError(response.status, response.statusText, await response.json().catch(() => null));
    return response.status === 204 ? null : response.json();
  };
}

/** A problem response as an Error: its detail to show, its code (UploadOffsetMismatch, ...) and status to act on. */
function problemError(status, statusText, problem) {
  return Object.assign(new Error(problem?.detail ?? `${status} ${statusText}`), { status, code: problem?.code });
}

const unreachable = () => new Error("The gateway cannot be reached. Is it running?");

/**
 * Media bytes to and from the gateway, with the same token and expiry as restClient. An upload is declared, then sent
 * in slices of whole storage chunks, each a PATCH from where the gateway says it stands, so a dropped connection costs
 * one slice and a later call goes on from there. A download is read as a stream to report its progress.
 */
export function mediaClient(baseUrl, { token, onExpired }) {
  const request = restClient(baseUrl, { token, onExpired });
  const SLICE_BYTES = 4 * 262_144; // the gateway stores 256 KiB chunks: a slice is four

  // XMLHttpRequest, not fetch: only it reports how much of a request body has gone out.
  function patch(path, offset, body, onSent) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PATCH", baseUrl + path);
      xhr.setRequestHeader("Authorization", `Bearer ${token()}`);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("Upload-Offset", String(offset));
      xhr.upload.onprogress = event => onSent(event.loaded);
      xhr.onerror = xhr.ontimeout = () => reject(unreachable());
      xhr.onload = () => {
        let answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch { /* an empty or non-JSON body: only the status speaks */ }
        if (xhr.status === 401) onExpired();
        if (xhr.status >= 200 && xhr.status < 300) resolve(answer);
        else reject(problemError(xhr.status, xhr.statusText, answer));
      };
      xhr.send(body);
    });
  }

  return {
    /**
     * Sends a file into a conversation as a new upload, or the rest of an earlier one (`upload.uploadId`, set here as
     * soon as the gateway names it); onProgress(sent, total) as bytes go out. Resolves once the gateway holds it all.
     */
    async upload(conversationId, file, upload, onProgress) {
      const uploads = `/api/conversations/${encodeURIComponent(conversationId)}/uploads`;
      let status = upload.uploadId
        ? await request("GET", `${uploads}/${upload.uploadId}`)
        : await request("POST", uploads, { kind: upload.kind, contentType: upload.contentType, length: file.size, fileName: upload.fileName });
      upload.uploadId = status.uploadId;
      while (!status.complete) {
        const { from, to } = nextSlice(status.received, status.length, SLICE_BYTES);
        onProgress(from, file.size);
        try {
          status = await patch(`${uploads}/${status.uploadId}`, from, file.slice(from, to), sent => onProgress(from + sent, file.size));
        } catch (error) {
          // Another attempt (one whose answer was lost) stored more than this one knew: go on from there.
          if (error.code !== "UploadOffsetMismatch") throw error;
          status = await request("GET", `${uploads}/${status.uploadId}`);
        }
        if (!status.complete && status.received <= from) throw new Error("The upload is not moving on. Tap to try again.");
      }
      onProgress(file.size, file.size);
    },

    /** A message's medium as a Blob; onProgress(received, total) as it streams in (total 0 when not told). */
    async download(path, onProgress) {
      let response;
      try {
        response = await fetch(baseUrl + path, { headers: { Authorization: `Bearer ${token()}` } });
      } catch {
        throw unreachable();
      }
      if (response.status === 401) onExpired();
      if (!response.ok) throw problemError(response.status, response.statusText, await response.json().catch(() => null));
      const total = Number(response.headers.get("Content-Length") ?? 0);
      const reader = response.body.getReader();
      const parts = [];
      for (let received = 0; ;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        received += value.length;
        onProgress(received, total);
      }
      return new Blob(parts, { type: response.headers.get("Content-Type") ?? "" });
    },
  };
}

const RESTART_DELAY_MS = 2000;
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * The hub connection of a signed-in tab. It reconnects by itself until stop(): onDown runs when the link is lost,
 * onUp after every (re)connect, once the hub has subscribed this connection (the caller catches up then, so nothing
 * sent meanwhile is missed). events maps each hub event ("message", "receipt", ...) to its handler.
 */
export function connectHub(baseUrl, token, { events, onUp, onDown }) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`${baseUrl}/hubs/chat`, { accessTokenFactory: token })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: context => Math.min(500 * 2 ** context.previousRetryCount, 5000) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  let stopped = false;

  for (const [name, handler] of Object.entries(events)) connection.on(name, handler);
  connection.onreconnecting(onDown);
  connection.onreconnected(onUp);
  // The automatic reconnect gives up after a while; a chat never does.
  connection.onclose(() => {
    if (stopped) return;
    onDown();
    sleep(RESTART_DELAY_MS).then(start);
  });

  async function start() {
    while (!stopped) {
      try {
        await connection.start();
      } catch {
        onDown();
        await sleep(RESTART_DELAY_MS);
        continue;
      }
      await onUp();
      return;
    }
  }

  return {
    started: start(),
    invoke: (method, ...args) => connection.invoke(method, ...args),
    stop() {
      stopped = true;
      return connection.stop();
    },
  };
}
