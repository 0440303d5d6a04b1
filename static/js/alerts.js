// The console's alerts in the tab's title, "(3) · Console · …", so a facilitator in another tab
// (Zoom, say) sees that someone raised a hand, asked for support or is waiting. The count comes
// from the alert strip the server renders (`#console-alerts`, `data-count`). Nothing here
// touches the page until showAlertsInTitle() is called.

/** @type {string | null} the page's own title, before any count */
let plainTitle = null;

/** Call on load and after every swap. */
export function showAlertsInTitle() {
  if (plainTitle === null) plainTitle = document.title;
  const strip = document.getElementById("console-alerts");
  const count = Number(strip?.dataset.count ?? "0");
  document.title = count > 0 ? `(${count}) · ${plainTitle}` : plainTitle;
}
