// The console's alerts, from the strip the server renders (`#console-alerts`): the count in the
// tab's title, "(3) · Console · …", so a facilitator in another tab (Zoom, say) sees that
// someone raised a hand, asked for support or is waiting; and what is new in it read out once,
// with a soft chime when the group turned the chime on. Each item of the strip names its kind
// (`data-alert`), who is in it (`data-ids`) and the words to say (`data-say`). Nothing here
// touches the page until showAlertsInTitle() or noticeNewAlerts() is called.

/** @type {string | null} the page's own title, before any count */
let plainTitle = null;

/** Call on load and after every swap. */
export function showAlertsInTitle() {
  if (plainTitle === null) plainTitle = document.title;
  const strip = document.getElementById("console-alerts");
  const count = Number(strip?.dataset.count ?? "0");
  document.title = count > 0 ? `(${count}) · ${plainTitle}` : plainTitle;
}

/** @type {Map<string, Set<string>> | null} who was in each kind of alert at the last look */
let known = null;

/**
 * What became new in the strip since the last call: the words of each kind of alert that gained
 * someone. Someone going, or a hand marked as seen, is not news; neither is what the page showed
 * when it loaded (call once `silently` then). Chimes when there is news and the group chose so.
 * @returns {string} the words to read out, or ""
 */
export function noticeNewAlerts({ silently = false } = {}) {
  const strip = document.getElementById("console-alerts");
  /** @type {Map<string, Set<string>>} */
  const now = new Map();
  const news = [];
  for (const el of strip?.querySelectorAll("[data-alert]") ?? []) {
    const item = /** @type {HTMLElement} */ (el);
    const kind = item.dataset.alert ?? "";
    const ids = new Set((item.dataset.ids ?? "").split(" ").filter(Boolean));
    now.set(kind, ids);
    const before = known?.get(kind) ?? new Set();
    if ([...ids].some((id) => !before.has(id))) news.push(item.dataset.say ?? "");
  }
  const first = known === null;
  known = now;
  if (silently || first || news.length === 0) return "";
  if (strip?.querySelector('[data-alert-sound="on"]')) softChime();
  return news.filter(Boolean).join(" ");
}

/** @type {AudioContext | null} */
let audio = null;

/**
 * Two soft, rising notes: unlike the timing cue's single tone (static/js/clock.js), and as
 * quiet. Browsers allow sound only after someone has clicked or tapped the page; until then
 * this stays silent rather than queueing.
 */
function softChime() {
  if (!navigator.userActivation?.hasBeenActive || typeof AudioContext === "undefined") return;
  audio ??= new AudioContext();
  const start = audio.currentTime;
  [587.33, 783.99].forEach((frequency, index) => {
    if (audio === null) return;
    const at = start + index * 0.22;
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = frequency;
    volume.gain.setValueAtTime(0, at);
    volume.gain.linearRampToValueAtTime(0.05, at + 0.06);
    volume.gain.exponentialRampToValueAtTime(0.0001, at + 0.9);
    tone.connect(volume).connect(audio.destination);
    tone.start(at);
    tone.stop(at + 1);
  });
}
