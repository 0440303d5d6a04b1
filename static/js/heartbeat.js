// A socket can stall while it still says "open" (a phone asleep, a NAT that forgot it, a server
// that has gone away without closing): nothing arrives and nothing closes it. The page counts
// the silence. Any message at all from the server is proof that the connection is alive; after
// ASK_AFTER_MS of silence the page asks with a ping (again every ASK_AFTER_MS while it is still
// silent), and once the silence has lasted giveUpAfterMs() it says "Reconnecting…" and starts a
// new connection. Everything runs only while the page is visible; on waking up or coming back
// online the silence is counted afresh (the sleep said nothing about the connection), the ping
// goes out at once, and a page waiting to retry reconnects at once. Nothing here touches the
// page until installHeartbeat() is called.
//
// Why these numbers: the server's own keepalive (a websocket ping every 20 s, 20 s to answer) is
// for the server to forget a dead client; browsers answer it without telling the page, so the
// page cannot use it and needs its own. With a normal round trip the banner shows at most
// GIVE_UP_MS + CHECK_EVERY_MS = 4.5 s after the last message. A slow network is not a dead
// one: the page would give up only if a ping went unanswered for GIVE_UP_MS - ASK_AFTER_MS =
// 2.5 s, and where answers have been seen to take longer than a third of that, the limit grows
// to three times the slowest recent answer, so a slow connection is never taken for a lost one.

export const CHECK_EVERY_MS = 500;
export const ASK_AFTER_MS = 1_500;
export const GIVE_UP_MS = 4_000;
const GIVE_UP_MAX_MS = 20_000;
const ANSWERS_REMEMBERED = 8;

/** How long a silence means a lost connection, given the slowest recent answer to a ping. */
export function giveUpAfterMs(/** @type {number} */ slowestAnswerMs) {
  return Math.min(GIVE_UP_MAX_MS, Math.max(GIVE_UP_MS, ASK_AFTER_MS + 3 * slowestAnswerMs));
}

/**
 * What the heartbeat does now: "wait", "ask" (send a ping) or "give_up" (reconnect).
 * @param {{now: number, lastHeardAt: number, lastAskedAt: number, slowestAnswerMs: number}} beat
 */
export function heartbeatMove({ now, lastHeardAt, lastAskedAt, slowestAnswerMs }) {
  const silence = now - lastHeardAt;
  if (silence >= giveUpAfterMs(slowestAnswerMs)) return "give_up";
  if (silence >= ASK_AFTER_MS && now - Math.max(lastAskedAt, lastHeardAt) >= ASK_AFTER_MS) return "ask";
  return "wait";
}

// A heartbeat's t0: whole milliseconds and a half, so it never matches one of the clock's own
// (whole-ms) pings and clock.js ignores its answer. Adding 0.5 to the timer's own reading was
// not enough: that reading ends in .5 itself about one time in ten, and the sum was whole.
function heartbeatT0(/** @type {number} */ nowMs) {
  return Math.floor(nowMs) + 0.5;
}

/** @param {import("./connection.js").Connection} connection */
export function installHeartbeat(connection) {
  let lastHeardAt = performance.now();
  let lastAskedAt = -Infinity;
  /** @type {number[]} how long the latest pongs took, the clock's and the heartbeat's alike */
  const answers = [];

  function heard(/** @type {Event} */ event) {
    lastHeardAt = performance.now();
    const answerMs = pongRoundTripMs(/** @type {CustomEvent} */ (event).detail?.message);
    if (answerMs === undefined) return;
    answers.push(answerMs);
    if (answers.length > ANSWERS_REMEMBERED) answers.shift();
  }

  /** A pong's t0 is this page's own clock when the ping left, so its age is the round trip. */
  function pongRoundTripMs(/** @type {unknown} */ message) {
    if (typeof message !== "string" || !message.startsWith("{")) return undefined;
    try {
      const { type, t0 } = JSON.parse(message);
      if (type !== "pong" || typeof t0 !== "number") return undefined;
      return Math.max(0, performance.timeOrigin + performance.now() - t0);
    } catch {
      return undefined;
    }
  }

  function beat() {
    if (document.visibilityState !== "visible" || !connection.open) return;
    const now = performance.now();
    const move = heartbeatMove({ now, lastHeardAt, lastAskedAt, slowestAnswerMs: Math.max(0, ...answers) });
    if (move === "ask") {
      lastAskedAt = now;
      connection.send({ type: "ping", t0: heartbeatT0(performance.timeOrigin + now) });
    } else if (move === "give_up") {
      connection.reconnectNow();
    }
  }

  function wake() {
    if (connection.finished || document.visibilityState !== "visible") return;
    if (connection.open) {
      // Asleep, the page heard nothing because it listened to nothing: count from now, as if
      // the last word had come just long enough ago to ask at once.
      lastHeardAt = Math.max(lastHeardAt, performance.now() - ASK_AFTER_MS);
      lastAskedAt = -Infinity;
      beat();
    } else if (connection.retryPending) connection.reconnectNow();
  }

  // Opening and closing are news from the socket too.
  for (const news of ["htmx:wsOpen", "htmx:wsClose", "htmx:wsBeforeMessage"]) {
    document.addEventListener(news, heard);
  }
  window.setInterval(beat, CHECK_EVERY_MS);
  document.addEventListener("visibilitychange", wake);
  window.addEventListener("online", wake);
}
