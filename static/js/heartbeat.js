// A socket can stall while it still says "open" (a phone asleep, a NAT that forgot it): nothing
// arrives and nothing closes it. Every HEARTBEAT_EVERY_MS while the page is visible it sends a
// ping; if nothing at all has come back HEARTBEAT_WAIT_MS later, it starts a new connection.
// On waking up or coming back online it checks at once (or reconnects at once if it was
// waiting to retry), rather than waiting for the next beat or the next retry. Nothing here
// touches the page until installHeartbeat() is called.

const HEARTBEAT_EVERY_MS = 10_000;
const HEARTBEAT_WAIT_MS = 5_000;

// A heartbeat's t0: whole milliseconds and a half, so it never matches one of the clock's own
// (whole-ms) pings and clock.js ignores its answer. Adding 0.5 to the timer's own reading was
// not enough: that reading ends in .5 itself about one time in ten, and the sum was whole.
function heartbeatT0(/** @type {number} */ nowMs) {
  return Math.floor(nowMs) + 0.5;
}

/** @param {import("./connection.js").Connection} connection */
export function installHeartbeat(connection) {
  let lastHeardAt = 0;
  let answerTimer = 0;

  function heard() {
    lastHeardAt = performance.now();
    clearTimeout(answerTimer);
    answerTimer = 0;
  }

  function checkConnection() {
    if (!connection.open || answerTimer) return;
    const askedAt = performance.now();
    // Any message at all is proof enough that the connection is alive.
    connection.send({ type: "ping", t0: heartbeatT0(performance.timeOrigin + askedAt) });
    answerTimer = window.setTimeout(() => {
      answerTimer = 0;
      if (lastHeardAt < askedAt) connection.reconnectNow();
    }, HEARTBEAT_WAIT_MS);
  }

  function wake() {
    if (connection.finished || document.visibilityState !== "visible") return;
    if (connection.open) checkConnection();
    else if (connection.retryPending) connection.reconnectNow();
  }

  // Opening and closing are news from the socket too.
  for (const news of ["htmx:wsOpen", "htmx:wsClose", "htmx:wsBeforeMessage"]) {
    document.addEventListener(news, heard);
  }
  window.setInterval(() => {
    if (document.visibilityState === "visible") checkConnection();
  }, HEARTBEAT_EVERY_MS);
  document.addEventListener("visibilitychange", wake);
  window.addEventListener("online", wake);
}
