// Calm words on the page: a notice (a refusal, or "you're offline") that goes away by itself or
// when dismissed, and the connection banner while the page is not connected. Nothing here touches
// the page until it is called.

import { gettext } from "./words.js";

const NOTICE_MS = 12_000;

let noticeTimer = 0;
/** @type {Element | null} the notice whose timer runs, so a notice already seen is not timed again */
let shownNotice = null;

const region = () => document.getElementById("notice");

/** Shows `message` in the notice region, in place of any notice there. */
export function showNotice(/** @type {string} */ message) {
  const notices = region();
  if (!notices) return;
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
  close.setAttribute("aria-label", gettext("Dismiss this message"));
  close.textContent = "×";
  box.append(text, close);
  notices.replaceChildren(box);
  watchNotice();
}

/** Call whenever a notice may have arrived (ours, or one the server swapped in): it goes away
 * NOTICE_MS after it first shows. */
export function watchNotice() {
  const notices = region();
  const notice = notices?.querySelector(".notice") ?? null;
  if (!notices || !notice || notice === shownNotice) return;
  shownNotice = notice;
  clearTimeout(noticeTimer);
  noticeTimer = window.setTimeout(() => notices.replaceChildren(), NOTICE_MS);
}

/** Says once on this screen (reloads of the tab included) that the server was away and every
 * clock waited: the page's version marker carries the server's latest time away. */
export function sayServerAwayOnce() {
  const marker = document.getElementById("live-version");
  const key = marker?.dataset.serverAway;
  const text = marker?.dataset.serverAwayText;
  if (!key || !text) return;
  const said = `peer-rounds:server-away:${location.pathname}:${key}`;
  try {
    if (sessionStorage.getItem(said)) return;
    sessionStorage.setItem(said, "said");
  } catch {
    // Storage refused (a private window): saying it again after a reload is the lesser harm.
  }
  showNotice(text);
}

/** Dismissing by its button, and timing a notice the server sends on its own. */
export function installNotices() {
  document.addEventListener("click", (event) => {
    const target = /** @type {Element} */ (event.target);
    if (target.closest?.("[data-dismiss-notice]")) region()?.replaceChildren();
  });

  // htmx swaps a notice in without a websocket message event of ours when it comes alone.
  document.addEventListener("htmx:oobAfterSwap", (event) => {
    if (/** @type {Element} */ (event.target)?.closest?.("#notice")) watchNotice();
  });
}

/** The connection banner says `message` (empty: says nothing), with a reload button if asked. */
export function setConnectionBanner(/** @type {string} */ message, { reload = false } = {}) {
  const banner = document.getElementById("connection");
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
    button.textContent = gettext("Reload the page");
    button.addEventListener("click", () => location.reload());
    box.append(button);
  }
  banner.append(box);
}
