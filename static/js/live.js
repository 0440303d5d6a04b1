// The live pages' script: it puts together the modules that tie a page to its websocket
// (htmx + htmx-ext-ws) and routes each message from the server. Small and dependency free.
//   connection.js  whether the socket is open, and the banner while it is not
//   reconnect.js   how soon htmx-ext-ws tries again, and the sockets it opens
//   heartbeat.js   noticing a socket that has gone quiet while still looking open
//   commands.js    each command's id and the version this screen shows; taps kept until answered
//   swaps.js       what someone is typing or has opened survives a new version
//   notices.js     calm words: notices, the connection banner, and that the server was away
//   announcer.js   what screen readers hear when the turn changes
//   alerts.js      the console's alerts: the tab's title, what is new read out, a soft chime
//   shortcuts.js   the console's keyboard shortcuts
//   reorder.js     reordering the round on the console
//   clock.js       the server's clock and the countdowns drawn from it

import { noticeNewAlerts, showAlertsInTitle } from "./alerts.js";
import { announce, announceChanges } from "./announcer.js";
import { installCommands } from "./commands.js";
import { installConnection } from "./connection.js";
import { installHeartbeat } from "./heartbeat.js";
import { installNotices, sayServerAwayOnce, showNotice, watchNotice } from "./notices.js";
import { installReconnect } from "./reconnect.js";
import { installReorder } from "./reorder.js";
import { installShortcuts } from "./shortcuts.js";
import { keepBeforeSwap, restoreAfterSwap } from "./swaps.js";

const liveRoot = () => document.getElementById("live-root");

/** @type {import("./clock.js").ServerClock | null} null until clock.js has loaded */
let clock = null;
/** Draws the countdowns again soon; nothing to draw until clock.js has loaded. */
let redrawCountdowns = () => {};

function startClockSync() {
  if (!clock || !connection.open) return;
  clock.reset();
  clock.startSync();
}

installReconnect(/** @type {any} */ (globalThis).htmx);
const connection = installConnection({
  opened: startClockSync,
  lost: () => {
    clock?.stop();
    commands.connectionLost();
  },
});
installHeartbeat(connection);
const commands = installCommands(connection);
installNotices();
installShortcuts(liveRoot);
const afterReorder = installReorder({ root: liveRoot, send: commands.send, announce });

// Loaded on its own, so that a clock that fails to start costs the countdowns and nothing else.
import("./clock.js")
  .then(({ ServerClock, animateCountdowns }) => {
    clock = new ServerClock((msg) => connection.send(msg));
    redrawCountdowns = animateCountdowns(document, clock);
    startClockSync();
  })
  .catch((error) => console.error("Peer Rounds: the countdown clock could not start.", error));

document.addEventListener("htmx:wsBeforeMessage", (event) => {
  const detail = /** @type {CustomEvent} */ (event).detail;
  const text = typeof detail.message === "string" ? detail.message : "";
  if (text.trimStart().startsWith("{")) {
    // JSON is for scripts and for the clock, never for swapping into the page.
    event.preventDefault();
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message?.type === "pong") {
      clock?.onPong(message);
      redrawCountdowns(); // the estimate may have moved: the digits follow at once
    }
    else if (message?.type === "ack") commands.acknowledged(message.id);
    else if (message?.type === "error" && typeof message.message === "string") showNotice(message.message);
    return;
  }
  keepBeforeSwap(liveRoot());
});

document.addEventListener("htmx:wsAfterMessage", () => {
  restoreAfterSwap();
  commands.noticeArrived();
  afterReorder();
  announceChanges({ also: noticeNewAlerts() });
  showAlertsInTitle();
  watchNotice();
  sayServerAwayOnce();
});

function start() {
  announceChanges({ silently: true });
  noticeNewAlerts({ silently: true });
  showAlertsInTitle();
  sayServerAwayOnce();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
