// The page's websocket as htmx-ext-ws runs it: whether it is open, what the connection banner
// says while it is not, and starting afresh on a socket that has gone quiet. Nothing here
// touches the page until installConnection() is called.

import { setConnectionBanner } from "./notices.js";
import { gettext } from "./words.js";

const RETRYING_CLOSE_CODES = new Set([1006, 1011, 1012, 1013]); // htmx-ext-ws reconnects on these
const RECONNECTING = gettext("Reconnecting… Everything is kept; this page will catch up by itself.");

// A phone closed with 4403 (its person was removed, was not let in, or left) may be let back in
// by a facilitator ("Let X back in"). So it tries its socket again now and then, slowly (the
// wait doubles from 3 s to 30 s) and only while the page is in view; an attempt costs the
// server one refused handshake. Once let back in, the socket opens and the page catches up by
// itself. Other pages and other close codes stop, as before.
const RETURN_CHECK_FIRST_MS = 3_000;
const RETURN_CHECK_MAX_MS = 30_000;
// Longer than any session: a page left open for days does not go on knocking.
const RETURN_CHECK_FOR_MS = 4 * 60 * 60 * 1000;
const LET_BACK_IN = gettext("If a facilitator lets you back in, this page will carry on by itself.");

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
  // The server said this page may not connect (4401, 4403, 4404, 4409): no more attempts, but
  // for a phone's slow check whether its person has been let back in (below).
  let finished = false;
  const returnCheck = installReturnCheck(() => socket?.reconnect());

  function opened() {
    connected = true;
    everOpened = true;
    retryPending = false;
    finished = false;
    returnCheck.stop();
    setConnectionBanner("");
    hooks.opened();
  }

  document.addEventListener("htmx:wsOpen", (event) => {
    socket = /** @type {CustomEvent} */ (event).detail.socketWrapper;
    // The server accepts every socket before it reads who is asking, so while checking whether
    // this person has been let back in an open socket proves nothing: its first message does
    // (a refused one is closed with 4403 before any).
    if (!returnCheck.active) opened();
  });

  document.addEventListener("htmx:wsBeforeMessage", () => {
    if (returnCheck.active && !connected) opened();
  });

  document.addEventListener("htmx:wsConnecting", () => {
    if (everOpened && !connected && !returnCheck.active) setConnectionBanner(RECONNECTING);
  });

  document.addEventListener("htmx:wsClose", (event) => {
    connected = false;
    hooks.lost();
    const detail = /** @type {CustomEvent} */ (event).detail;
    socket = detail?.socketWrapper ?? socket;
    const closed = detail?.event;
    const code = closed?.code;
    const reason = typeof closed?.reason === "string" ? closed.reason.trim() : "";
    const ended = document.getElementById("live-version")?.dataset.status === "ended";
    retryPending = RETRYING_CLOSE_CODES.has(code);
    if (code === 4401 || code === 4403 || code === 4404 || code === 4409) finished = true;
    if (code === 4403 && mayBeLetBackIn()) {
      // The first close says why, kindly; the checks' own refusals change nothing on screen.
      const why = reason || gettext("You are no longer part of this session.");
      if (!returnCheck.active) setConnectionBanner(`${why} ${LET_BACK_IN}`);
      if (!returnCheck.next()) setConnectionBanner(why);
      return;
    }
    returnCheck.stop();
    if (retryPending) {
      setConnectionBanner(RECONNECTING);
    } else if (code === 4403 || code === 4409) {
      // Someone was removed or left, the links were replaced, or (4409) a newer screen of the
      // same link took this one's place: the server says which, kindly.
      setConnectionBanner(reason || gettext("This page can't connect any more. Please open your link again."));
    } else if (code === 4401) {
      // The link has expired, or was never right: the server says which and what to do.
      setConnectionBanner(reason || gettext("This page can't connect any more. Please open your link again."));
    } else if (code === 4404) {
      setConnectionBanner(gettext("This session is no longer available."));
    } else if (!ended) {
      setConnectionBanner(gettext("The connection has closed."), { reload: true });
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

/** Only a participant's phone: a console or the room is never let back in this way. */
function mayBeLetBackIn() {
  return document.getElementById("live-root")?.dataset.role === "participant";
}

/**
 * The phone's slow check whether its person has been let back in: `attempt` tries the socket
 * again; its close (4403 again: not yet) calls next(), its open calls stop().
 * @param {() => void} attempt
 */
function installReturnCheck(attempt) {
  /** @type {number | null} when the first 4403 came; null while not checking */
  let since = null;
  let tries = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  // An attempt is under way (its close or open has not come yet).
  let knocking = false;

  function knock() {
    timer = undefined;
    if (since === null || knocking) return;
    // Hidden (a phone in a pocket): wait, and check the moment it is looked at again.
    if (document.visibilityState !== "visible") return;
    knocking = true;
    tries += 1;
    attempt();
  }

  const soon = () => {
    if (since === null || knocking) return;
    clearTimeout(timer);
    knock();
  };
  document.addEventListener("visibilitychange", () => {
    if (timer === undefined) soon();
  });
  window.addEventListener("online", soon);

  return {
    get active() {
      return since !== null;
    },
    /** A 4403 has come: schedule the next attempt; false once the checking has gone on too long. */
    next() {
      knocking = false;
      const now = Date.now();
      since ??= now;
      if (now - since > RETURN_CHECK_FOR_MS) {
        this.stop();
        return false;
      }
      const wait = Math.min(RETURN_CHECK_MAX_MS, RETURN_CHECK_FIRST_MS * 2 ** tries);
      clearTimeout(timer);
      timer = setTimeout(knock, wait);
      return true;
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
      since = null;
      tries = 0;
      knocking = false;
    },
  };
}
