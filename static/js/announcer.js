// What screen readers hear: whose turn it is when that changes, and where a reordered person
// now stands. Each element that speaks carries `data-announce-key` (what it is about) and
// `data-announce` (the sentence); only a changed key is read out. Nothing here touches the page
// until it is called.

/** @type {Map<string, string>} the last announce key seen per element id */
const announced = new Map();

/** Reads `text` out through the page's live region. */
export function announce(/** @type {string} */ text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  // Emptying first lets the same words be announced again later.
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

/**
 * Call after every swap, and `silently` once on load to learn what the page says already.
 * `also`: words found new elsewhere (the console's alerts), read out in the same breath.
 */
export function announceChanges({ silently = false, also = "" } = {}) {
  const lines = also ? [also] : [];
  for (const el of document.querySelectorAll("[data-announce-key][id]")) {
    const node = /** @type {HTMLElement} */ (el);
    const key = node.dataset.announceKey ?? "";
    const before = announced.get(node.id);
    announced.set(node.id, key);
    if (silently || before === undefined || before === key) continue;
    const line = node.dataset.announce ?? "";
    if (line) lines.push(line);
  }
  if (lines.length > 0) announce(lines.join(" "));
}
