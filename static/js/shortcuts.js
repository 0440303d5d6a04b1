// The console's keyboard shortcuts: H, N, P, S, U and Space press the button marked with that
// `data-shortcut`, and ? opens the list of them. A shortcut on the summary of a question
// (`details.ask-first`: "Next stage" while people are still to speak) asks first: the key opens
// the question and reads it out; the same key again answers it, and Escape closes it. The focus
// stays on the summary, never on the answer: a Space or Enter pressed out of habit then only
// closes the question, it never moves the session on. They stay out of the way of typing, of open
// dialogs and of a focused control that Space would press anyway. Nothing here touches the
// page until installShortcuts() is called.

import { announce } from "./announcer.js";
import { gettext } from "./words.js";

const KEYS = ["h", "n", "p", "s", "u", "space"];
const AGAIN_TO_MOVE_ON = gettext("Press S again to move on, or Escape to stay.");

function openShortcuts() {
  const dialog = document.getElementById("shortcuts-dialog");
  if (dialog instanceof HTMLDialogElement && !dialog.open) dialog.showModal();
}

/** Whether a key pressed in `target` is someone typing. */
export function isTyping(/** @type {EventTarget | null} */ target) {
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

/** Open the question `summary` belongs to, or answer it when it is open already. */
function askFirst(/** @type {HTMLElement} */ summary) {
  const details = summary.parentElement;
  if (!(details instanceof HTMLDetailsElement)) return;
  const body = details.querySelector(".ask-first__body");
  if (!details.open) {
    details.open = true;
    summary.focus();
    const question = body?.querySelector("p")?.textContent ?? "";
    if (question) announce(`${question.replace(/\s+/g, " ").trim()} ${AGAIN_TO_MOVE_ON}`);
  } else {
    /** @type {HTMLButtonElement | null} */ (body?.querySelector("button[type=submit]") ?? null)?.click();
  }
}

/** @param {() => HTMLElement | null} liveRoot the live area; its `data-role` says whose page it is */
export function installShortcuts(liveRoot) {
  document.addEventListener("click", (event) => {
    const target = /** @type {Element} */ (event.target);
    if (target.closest?.("[data-open-shortcuts]")) openShortcuts();
  });

  document.addEventListener("keydown", (event) => {
    if (liveRoot()?.dataset.role !== "facilitator") return;
    const asking = event.key === "Escape" ? liveRoot()?.querySelector("details.ask-first[open]") : null;
    if (asking instanceof HTMLDetailsElement) {
      event.preventDefault();
      asking.open = false;
      asking.querySelector("summary")?.focus();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || event.repeat) return;
    if (isTyping(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    if (event.key === "?") {
      event.preventDefault();
      openShortcuts();
      return;
    }
    const key = event.key === " " ? "space" : event.key.toLowerCase();
    if (!KEYS.includes(key)) return;
    if (key === "space" && usesSpace(event.target)) return;
    const button = /** @type {HTMLButtonElement | HTMLElement | null} */ (
      liveRoot()?.querySelector(`button[data-shortcut="${key}"], summary[data-shortcut="${key}"]`) ?? null
    );
    if (!button || ("disabled" in button && button.disabled) || button.closest("[hidden]")) return;
    event.preventDefault();
    button.classList.add("is-pressed");
    window.setTimeout(() => button.classList.remove("is-pressed"), 200);
    if (button.tagName === "SUMMARY") askFirst(button);
    else button.click();
  });
}
