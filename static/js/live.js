// Glue between the live pages and their websocket (htmx + htmx-ext-ws). Small and dependency
// free. It gives each command an id and the version this screen shows, keeps the clock in
// step with the server, keeps what someone is typing or has opened when a new version is
// swapped in, says calmly when the connection drops, tells screen readers whose turn it is,
// gives the console its keyboard shortcuts and its reordering of the round (reorder.js), and
// notices a connection that has gone quiet while still looking open.

import { installReorder } from "./reorder.js";

const RETRYING_CLOSE_CODES = new Set([1006, 1011, 1012, 1013]); // htmx-ext-ws reconnects on these
const NOTICE_MS = 12_000;

/** @type {{send(message: string): void, reconnect(): void} | null} */
let socket = null;
let connected = false;
let everOpened = false;
// htmx-ext-ws will try again by itself (after a close with one of RETRYING_CLOSE_CODES).
let retryPending = false;
// The server said this page may not connect (4401, 4403, 4404): no more attempts.
let finished = false;
/** @type {any} */
let clock = null;

const byId = (/** @type {string} */ id) => document.getElementById(id);
const liveRoot = () => byId("live-root");
const role = () => liveRoot()?.dataset.role ?? "";

function randomId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  if (globalThis.crypto?.getRandomValues) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

// --- commands --------------------------------------------------------------------------------

const OFFLINE = "You're offline for a moment, so that didn't go through. Please try again when the connection is back.";

function shownVersion() {
  const version = Number(byId("live-version")?.dataset.version);
  return Number.isInteger(version) && version >= 0 ? version : null;
}

/** A command built by a script rather than a form; false (and a calm word) when offline. */
function sendCommand(/** @type {{type: string} & Record<string, unknown>} */ command) {
  if (!connected || !socket) {
    showNotice(OFFLINE);
    return false;
  }
  const version = shownVersion();
  socket.send(JSON.stringify({ ...command, id: randomId(), ...(version === null ? {} : { expected_version: version }) }));
  return true;
}

document.addEventListener("htmx:wsConfigSend", (event) => {
  const detail = /** @type {CustomEvent} */ (event).detail;
  if (!connected) {
    // Queued commands would be sent later, about a moment that has passed: say so instead.
    event.preventDefault();
    showNotice(OFFLINE);
    return;
  }
  const params = detail.parameters;
  for (const [name, value] of Object.entries(params)) {
    if (value === "") delete params[name];
  }
  params.id = randomId();
  const version = shownVersion();
  if (version !== null) params.expected_version = version;
  detail.headers = null; // htmx's request headers are not part of a command
});

// --- messages from the server ----------------------------------------------------------------

/** What a swap would otherwise lose: focus, typing, selections, open disclosures. */
let kept = null;

function keepState() {
  const root = liveRoot();
  if (!root) return null;
  const active = document.activeElement;
  const fields = [];
  for (const el of root.querySelectorAll("input[id], textarea[id], select[id]")) {
    const field = /** @type {HTMLInputElement & HTMLSelectElement & HTMLTextAreaElement} */ (el);
    if (field.type === "hidden") continue;
    let dirty;
    if (field.type === "radio" || field.type === "checkbox") dirty = field.checked !== field.defaultChecked;
    else if (field.tagName === "SELECT") dirty = Array.from(field.options).some((o) => o.selected !== o.defaultSelected);
    else dirty = field.value !== field.defaultValue;
    if (dirty || field === active) {
      fields.push({
        id: field.id,
        value: field.value,
        checked: field.checked,
        start: "selectionStart" in field ? safe(() => field.selectionStart) : null,
        end: "selectionEnd" in field ? safe(() => field.selectionEnd) : null,
      });
    }
  }
  // Focus is only put back where the keyboard had it (a visible focus). After a mouse click,
  // leaving focus on the new button would let Space press it again instead of pausing.
  const keyboardFocus = active instanceof HTMLElement && root.contains(active) && active.matches(":focus-visible");
  const typing = active instanceof HTMLElement && root.contains(active) && isTyping(active);
  return {
    focusId: active && (keyboardFocus || typing) ? active.id : "",
    fields,
    open: Array.from(root.querySelectorAll("details[open][id]"), (d) => d.id),
  };
}

function safe(/** @type {() => any} */ f) {
  try {
    return f();
  } catch {
    return null;
  }
}

function restoreState(/** @type {any} */ state) {
  if (!state) return;
  for (const id of state.open) {
    const details = byId(id);
    if (details instanceof HTMLDetailsElement) details.open = true;
  }
  for (const saved of state.fields) {
    const field = /** @type {any} */ (byId(saved.id));
    if (!field) continue;
    if (field.type === "radio" || field.type === "checkbox") field.checked = saved.checked;
    else field.value = saved.value;
    if (saved.start !== null && typeof field.setSelectionRange === "function") {
      safe(() => field.setSelectionRange(saved.start, saved.end));
    }
  }
  if (state.focusId && document.activeElement !== byId(state.focusId)) {
    byId(state.focusId)?.focus({ preventScroll: true });
  }
}

document.addEventListener("htmx:wsBeforeMessage", (event) => {
  heard();
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
    if (message?.type === "pong") clock?.onPong(message);
    else if (message?.type === "error" && typeof message.message === "string") showNotice(message.message);
    return;
  }
  kept = keepState();
});

document.addEventListener("htmx:wsAfterMessage", () => {
  restoreState(kept);
  kept = null;
  afterReorder();
  announceChanges();
  watchNotice();
});

// --- the clock -------------------------------------------------------------------------------

function startClockSync() {
  if (!clock || !connected) return;
  clock.reset();
  clock.startSync();
}

import("./clock.js")
  .then(({ ServerClock, animateCountdowns }) => {
    clock = new ServerClock((/** @type {object} */ msg) => {
      if (connected && socket) socket.send(JSON.stringify(msg));
    });
    animateCountdowns(document, clock);
    startClockSync();
  })
  .catch((error) => console.error("Peer Rounds: the countdown clock could not start.", error));

// --- the connection --------------------------------------------------------------------------

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

const RECONNECTING = "Reconnecting… Everything is kept; this page will catch up by itself.";

const htmxGlobal = /** @type {any} */ (globalThis).htmx;
if (htmxGlobal?.config) htmxGlobal.config.wsReconnectDelay = reconnectDelay;

function setConnectionBanner(/** @type {string} */ message, { reload = false } = {}) {
  const banner = byId("connection");
  if (!banner) return;
  banner.replaceChildren();
  if (!message) return;
  const box = document.createElement("div");
  box.className = "connection__box";
  const text = document.createElement("p");
  text.className = "connection__text";
  text.textContent = message;
  box.append(text);
  if (reload) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn--secondary btn--small";
    button.textContent = "Reload the page";
    button.addEventListener("click", () => location.reload());
    box.append(button);
  }
  banner.append(box);
}

document.addEventListener("htmx:wsOpen", (event) => {
  socket = /** @type {CustomEvent} */ (event).detail.socketWrapper;
  connected = true;
  everOpened = true;
  retryPending = false;
  heard();
  setConnectionBanner("");
  startClockSync();
});

document.addEventListener("htmx:wsConnecting", () => {
  if (everOpened && !connected) setConnectionBanner(RECONNECTING);
});

document.addEventListener("htmx:wsClose", (event) => {
  connected = false;
  clock?.stop();
  heard();
  const closed = /** @type {CustomEvent} */ (event).detail?.event;
  const code = closed?.code;
  const reason = typeof closed?.reason === "string" ? closed.reason.trim() : "";
  const ended = byId("live-version")?.dataset.status === "ended";
  retryPending = RETRYING_CLOSE_CODES.has(code);
  if (code === 4401 || code === 4403 || code === 4404) finished = true;
  if (retryPending) {
    setConnectionBanner(RECONNECTING);
  } else if (code === 4403) {
    // Someone was removed or left, or the links were replaced: the server says which, kindly.
    setConnectionBanner(reason || "This page can't connect any more. Please open your link again.");
  } else if (code === 4401) {
    setConnectionBanner("This page can't connect any more. Please open your link again.");
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

// --- a connection that has gone quiet ----------------------------------------------------------

// A socket can stall while it still says "open" (a phone asleep, a NAT that forgot it): nothing
// arrives and nothing closes it. Every HEARTBEAT_EVERY_MS while the page is visible it sends a
// ping; if nothing at all has come back HEARTBEAT_WAIT_MS later, it starts a new connection.
// On waking up or coming back online it checks at once (or reconnects at once if it was
// waiting to retry), rather than waiting for the next beat or the next retry.
const HEARTBEAT_EVERY_MS = 10_000;
const HEARTBEAT_WAIT_MS = 5_000;

let lastHeardAt = 0;
let answerTimer = 0;

function heard() {
  lastHeardAt = performance.now();
  clearTimeout(answerTimer);
  answerTimer = 0;
}

// A heartbeat's t0: whole milliseconds and a half, so it never matches one of the clock's own
// (whole-ms) pings and clock.js ignores its answer. Adding 0.5 to the timer's own reading was
// not enough: that reading ends in .5 itself about one time in ten, and the sum was whole.
function heartbeatT0(/** @type {number} */ nowMs) {
  return Math.floor(nowMs) + 0.5;
}

function checkConnection() {
  if (!connected || !socket || answerTimer) return;
  const askedAt = performance.now();
  // Any message at all is proof enough that the connection is alive.
  socket.send(JSON.stringify({ type: "ping", t0: heartbeatT0(performance.timeOrigin + askedAt) }));
  answerTimer = window.setTimeout(() => {
    answerTimer = 0;
    if (lastHeardAt < askedAt) reconnectNow();
  }, HEARTBEAT_WAIT_MS);
}

function reconnectNow() {
  if (finished || !socket) return;
  connected = false;
  retryPending = false;
  clock?.stop();
  setConnectionBanner(RECONNECTING);
  // htmx-ext-ws closes the old socket and opens a new one; the socket factory below makes sure
  // the old one's late close neither starts another round of retries nor reports "closed".
  socket.reconnect();
}

function wake() {
  if (finished || document.visibilityState !== "visible") return;
  if (connected) checkConnection();
  else if (retryPending) reconnectNow();
}

window.setInterval(() => {
  if (document.visibilityState === "visible") checkConnection();
}, HEARTBEAT_EVERY_MS);
document.addEventListener("visibilitychange", wake);
window.addEventListener("online", wake);

// htmx-ext-ws keeps its handlers on a socket it replaces: when the stalled socket finally
// closes (1006, perhaps a minute later) it would schedule yet another attempt, replace the good
// new socket and report a close. Every socket is made here, so the one it replaces is detached
// first: its story is over, and its late close says nothing.
/** @type {WebSocket | null} */
let currentSocket = null;
if (htmxGlobal) {
  htmxGlobal.createWebSocket = (/** @type {string} */ url) => {
    const previous = currentSocket;
    if (previous && previous.readyState !== WebSocket.CLOSED) {
      previous.onopen = null;
      previous.onclose = null;
      previous.onerror = null;
      previous.close();
    }
    const fresh = new WebSocket(url, []);
    fresh.binaryType = htmxGlobal.config.wsBinaryType ?? "blob";
    currentSocket = fresh;
    return fresh;
  };
}

// --- notices ---------------------------------------------------------------------------------

let noticeTimer = 0;
/** @type {Element | null} */
let shownNotice = null;

function showNotice(/** @type {string} */ message) {
  const region = byId("notice");
  if (!region) return;
  const box = document.createElement("div");
  box.className = "notice";
  box.dataset.tone = "calm";
  const text = document.createElement("p");
  text.className = "notice__text";
  text.textContent = message;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "notice__close";
  close.dataset.dismissNotice = "";
  close.setAttribute("aria-label", "Dismiss this message");
  close.textContent = "×";
  box.append(text, close);
  region.replaceChildren(box);
  watchNotice();
}

function watchNotice() {
  const region = byId("notice");
  const notice = region?.querySelector(".notice") ?? null;
  if (!region || !notice || notice === shownNotice) return;
  shownNotice = notice;
  clearTimeout(noticeTimer);
  noticeTimer = window.setTimeout(() => region.replaceChildren(), NOTICE_MS);
}

document.addEventListener("click", (event) => {
  const target = /** @type {Element} */ (event.target);
  if (target.closest?.("[data-dismiss-notice]")) byId("notice")?.replaceChildren();
  if (target.closest?.("[data-open-shortcuts]")) openShortcuts();
});

// htmx swaps a notice in without a websocket message event of ours when it comes alone.
document.addEventListener("htmx:oobAfterSwap", (event) => {
  if (/** @type {Element} */ (event.target)?.closest?.("#notice")) watchNotice();
});

// --- screen reader announcements -------------------------------------------------------------

/** @type {Map<string, string>} the last announce key seen per element id */
const announced = new Map();

function announceChanges({ silently = false } = {}) {
  const lines = [];
  for (const el of document.querySelectorAll("[data-announce-key][id]")) {
    const node = /** @type {HTMLElement} */ (el);
    const key = node.dataset.announceKey ?? "";
    const before = announced.get(node.id);
    announced.set(node.id, key);
    if (silently || before === undefined || before === key) continue;
    const line = node.dataset.announce ?? "";
    if (line) lines.push(line);
  }
  const region = byId("announcer");
  if (!region || lines.length === 0) return;
  // Emptying first lets the same words be announced again later.
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = lines.join(" ");
  }, 50);
}

// --- console keyboard shortcuts --------------------------------------------------------------

function openShortcuts() {
  const dialog = byId("shortcuts-dialog");
  if (dialog instanceof HTMLDialogElement && !dialog.open) dialog.showModal();
}

function isTyping(/** @type {EventTarget | null} */ target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !["button", "submit", "reset", "checkbox", "radio", "range", "color", "file"].includes(target.type);
  }
  return false;
}

function usesSpace(/** @type {EventTarget | null} */ target) {
  // Space activates a button, link or disclosure that was reached with the keyboard. One that
  // merely kept focus after a mouse click (no visible focus) must not be pressed again by it.
  if (!(target instanceof HTMLElement)) return false;
  const control = target.closest("button, a[href], input, select, textarea, summary, [role=button], [tabindex]");
  return control !== null && control.matches(":focus-visible");
}

document.addEventListener("keydown", (event) => {
  if (role() !== "facilitator") return;
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || event.repeat) return;
  if (isTyping(event.target)) return;
  if (document.querySelector("dialog[open]")) return;
  if (event.key === "?") {
    event.preventDefault();
    openShortcuts();
    return;
  }
  const key = event.key === " " ? "space" : event.key.toLowerCase();
  if (!["n", "p", "s", "u", "space"].includes(key)) return;
  if (key === "space" && usesSpace(event.target)) return;
  const button = /** @type {HTMLButtonElement | null} */ (
    liveRoot()?.querySelector(`button[data-shortcut="${key}"]`) ?? null
  );
  if (!button || button.disabled || button.closest("[hidden]")) return;
  event.preventDefault();
  button.classList.add("is-pressed");
  window.setTimeout(() => button.classList.remove("is-pressed"), 200);
  button.click();
});

// --- reordering the round --------------------------------------------------------------------

const afterReorder = installReorder({
  root: liveRoot,
  send: sendCommand,
  announce: (text) => {
    const region = byId("announcer");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(() => {
      region.textContent = text;
    }, 50);
  },
});

// --- start -----------------------------------------------------------------------------------

function start() {
  announceChanges({ silently: true });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
