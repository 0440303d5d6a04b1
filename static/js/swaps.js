// A new version is swapped into the page while someone may be typing, may have picked
// something, opened a disclosure or be on a button with the keyboard. What the swap would lose
// is kept just before it and put back just after. Nothing here touches the page until it is
// called.

import { isTyping } from "./shortcuts.js";

/**
 * @typedef {{id: string, value: string, checked: boolean, start: number | null, end: number | null}} Field
 * @typedef {{focusId: string, fields: Field[], open: string[]}} Kept
 */

/** @type {Kept | null} what the swap under way would lose */
let kept = null;

function safe(/** @type {() => any} */ f) {
  try {
    return f();
  } catch {
    return null;
  }
}

/** @param {HTMLElement | null} root the live area the swap replaces @returns {Kept | null} */
function keepState(root) {
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

function restoreState(/** @type {Kept | null} */ state) {
  if (!state) return;
  const byId = (/** @type {string} */ id) => document.getElementById(id);
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

/** Call just before a version is swapped into `root`. */
export function keepBeforeSwap(/** @type {HTMLElement | null} */ root) {
  kept = keepState(root);
}

/** Call just after that swap. */
export function restoreAfterSwap() {
  restoreState(kept);
  kept = null;
}
