// Reordering the round on the facilitator console, by drag and drop or from the keyboard (the
// Move up / Move down buttons, or Alt+ArrowUp / Alt+ArrowDown anywhere on a row). Only people
// still waiting move; whoever is speaking and whoever has had their turn hold their places.
// The server decides: this sends `reorder_round` with the whole new order and, once the new
// version is on the page, puts the focus back on the person moved and says where they are now.

import { fill, gettext } from "./words.js";

const ROW = "li.order__item--movable[data-person-id]";
const PENDING_MS = 5_000;

/**
 * The whole order after `personId` takes the place of the movable person now at `targetIndex`
 * (counted among the movable people only); everyone else stays where they were.
 * @param {readonly string[]} order every person in the round, in order
 * @param {readonly string[]} movable those who may move, in their order
 * @param {string} personId
 * @param {number} targetIndex
 * @returns {string[] | null} null when nothing would change
 */
export function moveAmong(order, movable, personId, targetIndex) {
  const from = movable.indexOf(personId);
  if (from < 0 || targetIndex < 0 || targetIndex >= movable.length || targetIndex === from) return null;
  const moved = movable.filter((id) => id !== personId);
  moved.splice(targetIndex, 0, personId);
  const stays = new Set(movable);
  let next = 0;
  return order.map((id) => (stays.has(id) ? moved[next++] : id));
}

const MOVED = gettext("%(name)s moved to %(place)s of %(count)s still to speak.");
// English writes its places itself; another language's catalog says how it writes one ("2.º").
const ENGLISH_PLACE = "%(number)s (a place in line)";
const PLACE = gettext("%(number)s (a place in line)");

function ordinal(/** @type {number} */ n) {
  if (PLACE !== ENGLISH_PLACE) return fill(PLACE, { number: n });
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? "th" : ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] ?? "th");
  return `${n}${suffix}`;
}

/**
 * @param {{
 *   root: () => Element | null,
 *   send: (command: {type: string, order: string[]}) => boolean,
 *   announce: (text: string) => void,
 * }} page
 */
export function installReorder(page) {
  /** @type {{personId: string, direction: "up" | "down" | "", fromIndex: number, until: number} | null} */
  let pending = null;
  /** @type {string | null} */
  let dragged = null;

  const list = () => page.root()?.querySelector("#round-order") ?? null;
  const rowOf = (/** @type {EventTarget | null} */ target) =>
    target instanceof Element ? /** @type {HTMLElement | null} */ (target.closest(ROW)) : null;
  const order = () =>
    Array.from(list()?.querySelectorAll("li[data-person-id]") ?? [], (li) => /** @type {HTMLElement} */ (li).dataset.personId ?? "");
  const movable = () => Array.from(list()?.querySelectorAll(ROW) ?? [], (li) => /** @type {HTMLElement} */ (li).dataset.personId ?? "");

  function move(/** @type {string} */ personId, /** @type {number} */ targetIndex, /** @type {"up" | "down" | ""} */ direction) {
    const people = movable();
    const next = moveAmong(order(), people, personId, targetIndex);
    if (!next) return;
    if (page.send({ type: "reorder_round", order: next })) {
      pending = { personId, direction, fromIndex: people.indexOf(personId), until: Date.now() + PENDING_MS };
    }
  }

  function step(/** @type {HTMLElement} */ row, /** @type {"up" | "down"} */ direction) {
    const personId = row.dataset.personId ?? "";
    const index = movable().indexOf(personId);
    move(personId, direction === "up" ? index - 1 : index + 1, direction);
  }

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-move]") : null;
    const row = rowOf(button);
    if (!button || !row) return;
    step(row, /** @type {HTMLElement} */ (button).dataset.move === "up" ? "up" : "down");
  });

  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    const row = rowOf(event.target);
    if (!row) return;
    event.preventDefault();
    step(row, event.key === "ArrowUp" ? "up" : "down");
  });

  document.addEventListener("dragstart", (event) => {
    const row = rowOf(event.target);
    if (!row || !event.dataTransfer) return;
    dragged = row.dataset.personId ?? null;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.querySelector(".order__name")?.textContent ?? "");
    row.classList.add("is-dragged");
  });

  document.addEventListener("dragover", (event) => {
    const row = rowOf(event.target);
    if (!row || dragged === null) return;
    event.preventDefault(); // allows the drop here
    if (event.dataTransfer) event.dataTransfer.dropEffect = "move";
    for (const other of list()?.querySelectorAll(".is-drop-target") ?? []) {
      if (other !== row) other.classList.remove("is-drop-target");
    }
    if (row.dataset.personId !== dragged) row.classList.add("is-drop-target");
  });

  document.addEventListener("drop", (event) => {
    const row = rowOf(event.target);
    if (!row || dragged === null) return;
    event.preventDefault();
    move(dragged, movable().indexOf(row.dataset.personId ?? ""), "");
  });

  document.addEventListener("dragend", () => {
    dragged = null;
    for (const marked of list()?.querySelectorAll(".is-dragged, .is-drop-target") ?? []) {
      marked.classList.remove("is-dragged", "is-drop-target");
    }
  });

  /** Call after every swap: once the move shows, keep the focus on the person moved. */
  return function afterSwap() {
    if (!pending) return;
    if (Date.now() > pending.until) {
      pending = null;
      return;
    }
    const { personId, direction, fromIndex } = pending;
    const people = movable();
    const index = people.indexOf(personId);
    if (index < 0 || index === fromIndex) return;
    pending = null;
    const row = list()?.querySelector(`li[data-person-id="${CSS.escape(personId)}"]`);
    const name = row?.querySelector(".order__name")?.textContent ?? "";
    page.announce(fill(MOVED, { name, place: ordinal(index + 1), count: people.length }));
    if (!direction || !row) return;
    const other = direction === "up" ? "down" : "up";
    const button = /** @type {HTMLButtonElement | null} */ (
      [row.querySelector(`button[data-move="${direction}"]`), row.querySelector(`button[data-move="${other}"]`)].find(
        (b) => b instanceof HTMLButtonElement && !b.disabled,
      ) ?? null
    );
    button?.focus();
  };
}
