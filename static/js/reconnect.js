// How htmx-ext-ws tries again after a dropped connection: how long it waits, and the sockets it
// opens. Nothing here touches the page until installReconnect() is called.

// htmx-ext-ws doubles its wait after each failed attempt up to 64 s: after a server restart of
// ten seconds a screen could stay on "Reconnecting…" for half a minute more. Here the wait
// follows how long the server has been silent. A restart (kill -9, a deploy) is over in seconds:
// while the server was heard from in the last SEEN_RECENTLY_MS, a page tries every 0.5–1 s, so
// it is back within a second of the server answering. The longer the silence, the longer the
// wait: its ceiling doubles each time the silence doubles, up to RECONNECT_MAX_MS. Every wait is
// jittered (between half and all of its ceiling), so that a roomful of screens knocks spread
// over half a second rather than all at once on a server that is starting.
export const SEEN_RECENTLY_MS = 10_000;
export const QUICK_CEILING_MS = 1_000;
export const RECONNECT_MAX_MS = 5_000;

/**
 * The wait before the next attempt, `silentMs` after the server was last heard from.
 * @param {number} silentMs
 * @param {() => number} random uniform in [0, 1)
 */
export function reconnectWait(silentMs, random = Math.random) {
  const doublings = silentMs < SEEN_RECENTLY_MS ? 0 : 1 + Math.floor(Math.log2(silentMs / SEEN_RECENTLY_MS));
  const ceiling = Math.min(RECONNECT_MAX_MS, QUICK_CEILING_MS * 2 ** doublings);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** @param {any} htmx the page's htmx, with htmx-ext-ws loaded (absent: nothing to tune) */
export function installReconnect(htmx) {
  // The page itself came from the server a moment ago. A message, not an open, counts as
  // hearing from it: a server that accepts sockets and closes them at once (1011) is not well,
  // and its screens should back off rather than knock every second.
  let lastHeardAt = performance.now();
  const heard = () => {
    lastHeardAt = performance.now();
  };
  if (htmx?.config) htmx.config.wsReconnectDelay = () => reconnectWait(performance.now() - lastHeardAt);
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
    fresh.addEventListener("message", heard);
    currentSocket = fresh;
    return fresh;
  };
}
