// The page's websocket as htmx-ext-ws runs it: whether it is open, what the connection banner
// says while it is not, and starting afresh on a socket that has gone quiet. Nothing here
// touches the page until installConnection() is called.

import { setConnectionBanner } from "./notices.js";

const RETRYING_CLOSE_CODES = new Set([1006, 1011, 1012, 1013]); // htmx-ext-ws reconnects on these
const RECONNECTING = "Reconnecting… Everything is kept; this page will catch up by itself.";

/**
 * @typedef {{
 *   readonly open: boolean,
 *   readonly finished: boolean,
 *   readonly retryPending: boolean,
 *   send(message: object): boolean,
 *   reconnectNow(): void,
 * }} Connection
 */

/**
 * @param {{opened: () => void, lost: () => void}} hooks `opened` on every open; `lost` when the
 *   socket closes or is given up for a new one
 * @returns {Connection}
 */
export function installConnection(hooks) {
  /** @type {{send(message: string): void, reconnect(): void} | null} */
  let socket = null;
  let connected = false;
  let everOpened = false;
  // htmx-ext-ws will try again by itself (after a close with one of RETRYING_CLOSE_CODES).
  let retryPending = false;
  // The server said this page may not connect (4401, 4403, 4404): no more attempts.
  let finished = false;

  document.addEventListener("htmx:wsOpen", (event) => {
    socket = /** @type {CustomEvent} */ (event).detail.socketWrapper;
    connected = true;
    everOpened = true;
    retryPending = false;
    setConnectionBanner("");
    hooks.opened();
  });

  document.addEventListener("htmx:wsConnecting", () => {
    if (everOpened && !connected) setConnectionBanner(RECONNECTING);
  });

  document.addEventListener("htmx:wsClose", (event) => {
    connected = false;
    hooks.lost();
    const closed = /** @type {CustomEvent} */ (event).detail?.event;
    const code = closed?.code;
    const reason = typeof closed?.reason === "string" ? closed.reason.trim() : "";
    const ended = document.getElementById("live-version")?.dataset.status === "ended";
    retryPending = RETRYING_CLOSE_CODES.has(code);
    if (code === 4401 || code === 4403 || code === 4404) finished = true;
    if (retryPending) {
      setConnectionBanner(RECONNECTING);
    } else if (code === 4403) {
      // Someone was removed or left, or the links were replaced: the server says which, kindly.
      setConnectionBanner(reason || "This page can't connect any more. Please open your link again.");
    } else if (code === 4401) {
      // The link has expired, or was never right: the server says which and what to do.
      setConnectionBanner(reason || "This page can't connect any more. Please open your link again.");
    } else if (code === 4404) {
      setConnectionBanner("This session is no longer available.");
    } else if (!ended) {
      setConnectionBanner("The connection has closed.", { reload: true });
    }
  });

  document.addEventListener("htmx:wsError", () => {
    // A close event follows with its code, which decides the final words.
    if (everOpened && !finished) setConnectionBanner(RECONNECTING);
  });

  return {
    get open() {
      return connected && socket !== null;
    },
    get finished() {
      return finished;
    },
    get retryPending() {
      return retryPending;
    },
    /** Serialises and sends `message`; false, and nothing sent, while not connected. */
    send(message) {
      if (!connected || !socket) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    reconnectNow() {
      if (finished || !socket) return;
      connected = false;
      retryPending = false;
      hooks.lost();
      setConnectionBanner(RECONNECTING);
      // htmx-ext-ws closes the old socket and opens a new one; the socket factory (reconnect.js)
      // makes sure the old one's late close neither starts another round of retries nor
      // reports "closed".
      socket.reconnect();
    },
  };
}
