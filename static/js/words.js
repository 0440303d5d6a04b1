// The page scripts' words in the language of the page's person. Each message is written here in
// English and looked up in the catalog the server put in the page (app/web/script_words.py,
// templates/base.html); an English page, or a script run outside a page (the tests' node), keeps
// the English.

/** @type {Record<string, string> | undefined} */
let catalog;

/** `message` in the page's language. */
export function gettext(/** @type {string} */ message) {
  if (catalog === undefined) {
    const block = typeof document === "undefined" ? null : document.getElementById("script-words");
    catalog = block?.textContent ? JSON.parse(block.textContent) : {};
  }
  return catalog?.[message] ?? message;
}

/** `message` with each `%(name)s` filled from `values`, as the server fills its words. */
export function fill(/** @type {string} */ message, /** @type {Record<string, string | number>} */ values) {
  return message.replace(/%\((\w+)\)s/g, (whole, /** @type {string} */ name) => (name in values ? String(values[name]) : whole));
}
