// Every command leaves with its own id and the version this screen shows, whether a form sent
// it (htmx-ext-ws, `ws-send`) or a script (sendCommand). Nothing is sent while offline: the
// person is told instead. Nothing here touches the page until installCommands() is called.

import { showNotice } from "./notices.js";

const OFFLINE = "You're offline for a moment, so that didn't go through. Please try again when the connection is back.";

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
 * @param {import("./connection.js").Connection} connection
 * @returns {(command: {type: string} & Record<string, unknown>) => boolean} sends a command
 *   built by a script rather than a form; false (and a calm word) when offline
 */
export function installCommands(connection) {
  document.addEventListener("htmx:wsConfigSend", (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail;
    if (!connection.open) {
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

  return function sendCommand(/** @type {{type: string} & Record<string, unknown>} */ command) {
    if (!connection.open) {
      showNotice(OFFLINE);
      return false;
    }
    const version = shownVersion();
    return connection.send({ ...command, id: randomId(), ...(version === null ? {} : { expected_version: version }) });
  };
}
