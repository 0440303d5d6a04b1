// Every command leaves with its own id and the version this screen shows, whether a form sent
// it (htmx-ext-ws, `ws-send`) or a script (sendCommand). A tap on a form is kept until the
// server answers it: made while offline, or lost with a socket that went quiet before the
// answer came, it is sent again when the page is back, with the same id (the server stores a
// command once, and answers a repeat with the same ack), and the person is told both moments:
// "You're offline — we'll send this when you're back." then "Sent.". A tap about a moment that
// has passed (someone else moved the round on) is refused by the server as stale, and its
// words say so, after "While you were offline, things moved on.". Script-built commands (the
// console's reordering, shown as it is dragged) are not kept: offline, the page says so at once.
// Nothing here touches the page until installCommands() is called.

import { showNotice } from "./notices.js";
import { gettext } from "./words.js";

const OFFLINE = gettext("You're offline for a moment, so that didn't go through. Please try again when the connection is back.");
export const QUEUED = gettext("You're offline — we'll send this when you're back.");
export const SENT = gettext("Sent.");
export const MOVED_ON = gettext("While you were offline, things moved on.");
export const TOO_MANY_QUEUED = gettext("You're offline, and a few taps are already waiting to be sent. We'll send those when you're back.");
// The server takes at most 16 commands waiting at once from a screen; a person offline for a
// while needs far fewer.
export const MOST_KEPT = 8;
// Refusals that mean the moment had passed (someone else moved on first, or it was done).
const PASSED_MOMENT = new Set(["stale", "nothing_to_do", "not_your_turn"]);

/**
 * The taps not yet answered by the server, oldest first: each with its id and whether its
 * person was told it waits (then they are told when it is answered). Pure: no page, no socket.
 */
export class UnansweredTaps {
  /** @type {Map<string, {message: Record<string, unknown>, told: boolean}>} */
  #taps = new Map();

  /**
   * Keeps a tap. Offline, a tap equal to one already waiting (a second press of the same
   * button) is the same wish: kept once. Returns "kept", "already_waiting" or "full".
   * @param {Record<string, unknown> & {id: string}} message
   * @param {{offline: boolean}} how
   */
  keep(message, { offline }) {
    if (offline) {
      const same = [...this.#taps.values()].some((tap) => sameWish(tap.message, message));
      if (same) return "already_waiting";
      if (this.#taps.size >= MOST_KEPT) return "full";
    }
    this.#taps.set(message.id, { message: { ...message }, told: offline });
    return "kept";
  }

  /** The socket went away: whatever it carried unanswered now waits. True if anyone must be told. */
  connectionLost() {
    let untold = false;
    for (const tap of this.#taps.values()) {
      untold ||= !tap.told;
      tap.told = true;
    }
    return untold;
  }

  /** What to send again on a new socket, oldest first, each with the id it first had. */
  toResend() {
    return [...this.#taps.values()].map((tap) => tap.message);
  }

  /** The server answered `id` (an ack, or a refusal): "told" if its person was told it waits. */
  answered(/** @type {unknown} */ id) {
    const tap = typeof id === "string" ? this.#taps.get(id) : undefined;
    if (!tap) return "unknown";
    this.#taps.delete(/** @type {string} */ (id));
    return tap.told ? "told" : "untold";
  }

  get size() {
    return this.#taps.size;
  }
}

function sameWish(/** @type {Record<string, unknown>} */ a, /** @type {Record<string, unknown>} */ b) {
  const fields = (/** @type {Record<string, unknown>} */ m) =>
    JSON.stringify(Object.entries(m).filter(([name]) => name !== "id" && name !== "expected_version").sort());
  return fields(a) === fields(b);
}

function randomId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  if (globalThis.crypto?.getRandomValues) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

function shownVersion() {
  const version = Number(document.getElementById("live-version")?.dataset.version);
  return Number.isInteger(version) && version >= 0 ? version : null;
}

/**
 * @typedef {{
 *   send(command: {type: string} & Record<string, unknown>): boolean,
 *   acknowledged(id: unknown): void,
 *   noticeArrived(): void,
 *   connectionLost(): void,
 * }} Commands
 */

/**
 * @param {import("./connection.js").Connection} connection
 * @returns {Commands} `send` sends a command built by a script rather than a form (false, and
 *   a calm word, when offline); `acknowledged` and `noticeArrived` take the server's answers;
 *   `connectionLost` when the socket closes or is given up
 */
export function installCommands(connection) {
  const taps = new UnansweredTaps();

  document.addEventListener("htmx:wsConfigSend", (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail;
    const params = detail.parameters;
    for (const [name, value] of Object.entries(params)) {
      if (value === "") delete params[name];
    }
    params.id = randomId();
    const version = shownVersion();
    if (version !== null) params.expected_version = version;
    detail.headers = null; // htmx's request headers are not part of a command
    const offline = !connection.open;
    const kept = taps.keep(params, { offline });
    if (!offline) return;
    // htmx-ext-ws would send it later by itself, unannounced: the page sends it instead.
    event.preventDefault();
    showNotice(kept === "full" ? TOO_MANY_QUEUED : QUEUED);
  });

  document.addEventListener("htmx:wsOpen", () => {
    for (const message of taps.toResend()) connection.send(message);
  });

  return {
    send(command) {
      if (!connection.open) {
        showNotice(OFFLINE);
        return false;
      }
      const version = shownVersion();
      return connection.send({ ...command, id: randomId(), ...(version === null ? {} : { expected_version: version }) });
    },
    acknowledged(id) {
      if (taps.answered(id) === "told") showNotice(SENT);
    },
    connectionLost() {
      if (taps.connectionLost()) showNotice(QUEUED);
    },
    noticeArrived() {
      const notice = /** @type {HTMLElement | null} */ (document.querySelector("#notice .notice[data-command-id]"));
      const id = notice?.dataset.commandId;
      if (!notice || !id) return;
      delete notice.dataset.commandId; // answered once
      if (taps.answered(id) !== "told" || !PASSED_MOMENT.has(notice.dataset.code ?? "")) return;
      const preface = document.createElement("p");
      preface.className = "notice__text";
      preface.textContent = MOVED_ON;
      notice.prepend(preface);
    },
  };
}
