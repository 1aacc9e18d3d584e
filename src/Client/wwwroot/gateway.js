// The gateway connection: REST calls that carry the session's token, and the SignalR hub that pushes chat events.
// It knows nothing of the page; the start-up tells it whose token to send and what to do on each event.

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
      throw new Error("The gateway cannot be reached. Is it running?");
    }
    if (response.status === 401 && bearer) onExpired();
    if (!response.ok) {
      const problem = await response.json().catch(() => null);
      throw new Error(problem?.detail ?? `${response.status} ${response.statusText}`);
    }
    return response.status === 204 ? null : response.json();
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
