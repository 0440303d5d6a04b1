// How htmx-ext-ws tries again after a dropped connection: how long it waits, and the sockets it
// opens. Nothing here touches the page until installReconnect() is called.

// htmx-ext-ws doubles its wait after each failed attempt up to 64 s: after a server restart of
// ten seconds a screen could stay on "Reconnecting…" for half a minute more. Here the wait
// doubles from half a second to at most 5 s, jittered (between half and all of it) so that a
// roomful of screens does not knock all at once: once the server is back, so is every screen.
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 5_000;

function reconnectDelay(/** @type {number} */ retries) {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.max(0, retries));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** @param {any} htmx the page's htmx, with htmx-ext-ws loaded (absent: nothing to tune) */
export function installReconnect(htmx) {
  if (htmx?.config) htmx.config.wsReconnectDelay = reconnectDelay;
  if (!htmx) return;

  // htmx-ext-ws keeps its handlers on a socket it replaces: when the stalled socket finally
  // closes (1006, perhaps a minute later) it would schedule yet another attempt, replace the good
  // new socket and report a close. Every socket is made here, so the one it replaces is detached
  // first: its story is over, and its late close says nothing.
  /** @type {WebSocket | null} */
  let currentSocket = null;
  htmx.createWebSocket = (/** @type {string} */ url) => {
    const previous = currentSocket;
    if (previous && previous.readyState !== WebSocket.CLOSED) {
      previous.onopen = null;
      previous.onclose = null;
      previous.onerror = null;
      previous.close();
    }
    const fresh = new WebSocket(url, []);
    fresh.binaryType = htmx.config.wsBinaryType ?? "blob";
    currentSocket = fresh;
    return fresh;
  };
}
