// Times on the group pages. The server writes each meeting in the group's own zone ("Tuesday
// 8 December, 7:00 pm in Auckland") beside its instant; this adds the time where the viewer
// is, when that reads differently ("— 5:00 pm where you are"), and proposes the browser's
// zone for a new group. In English, the same words as app/groups/meeting_times.py (tests/static
// checks both); in another language, as the browser's Intl says a day and a time in it
// ("— 6:00 donde estás").

import { gettext } from "./words.js";

/** @type {Map<string, {day: Intl.DateTimeFormat, time: Intl.DateTimeFormat}>} one pair a zone
 *  and language: making a formatter is slow */
const formats = new Map();

function formatsIn(zone, language) {
  const key = `${language} ${zone}`;
  let found = formats.get(key);
  if (!found) {
    const english = language === "en";
    found = {
      day: new Intl.DateTimeFormat(english ? "en-GB" : language, {
        timeZone: zone,
        weekday: "long",
        day: "numeric",
        month: "long",
      }),
      time: new Intl.DateTimeFormat(english ? "en-GB" : language, {
        timeZone: zone,
        hour: "numeric",
        minute: "2-digit",
        ...(english ? { hour12: true } : {}),
      }),
    };
    formats.set(key, found);
  }
  return found;
}

function partsOf(format, instantMs) {
  const parts = {};
  for (const part of format.formatToParts(instantMs)) parts[part.type] = part.value;
  return parts;
}

/** The day and the time of day of the instant on the wall clock of an IANA zone, in `language`
 *  (English: "Tuesday 8 December" and "7:00 pm"). */
export function localParts(instantMs, zone, language = "en") {
  const format = formatsIn(zone, language);
  if (language !== "en") {
    return { day: format.day.format(instantMs), time: format.time.format(instantMs) };
  }
  const day = partsOf(format.day, instantMs);
  const time = partsOf(format.time, instantMs);
  const hour = time.hour === "0" ? "12" : time.hour;
  const period = (time.dayPeriod ?? "").toLowerCase();
  return { day: `${day.weekday} ${day.day} ${day.month}`, time: `${hour}:${time.minute} ${period}` };
}

/** "Tuesday 8 December, 7:00 pm": the instant on the wall clock of an IANA zone. */
export function localText(instantMs, zone, language = "en") {
  const { day, time } = localParts(instantMs, zone, language);
  return `${day}, ${time}`;
}

/** What to add for a viewer in `viewerZone`, or null when their clock reads the same:
 *  the time alone on the same day, the day too when it is another day where they are. */
export function whereYouAre(instantMs, groupZone, viewerZone, language = "en") {
  const theirs = localParts(instantMs, groupZone, language);
  const yours = localParts(instantMs, viewerZone, language);
  if (yours.day === theirs.day && yours.time === theirs.time) return null;
  const when = yours.day === theirs.day ? yours.time : localText(instantMs, viewerZone, language);
  return gettext("%(time)s where you are").replace("%(time)s", when);
}

function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

/** The page's language, when the browser can say times in it; else English. */
function pageLanguage() {
  const language = document.documentElement.lang || "en";
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([language]).length ? language : "en";
  } catch {
    return "en";
  }
}

function showWhereYouAre(viewerZone, language) {
  for (const time of document.querySelectorAll("time[data-group-zone]")) {
    const yours = time.parentElement?.querySelector("[data-where-you-are]");
    const instant = Date.parse(time.getAttribute("datetime") ?? "");
    if (!yours || Number.isNaN(instant)) continue;
    let words = null;
    try {
      words = whereYouAre(instant, time.dataset.groupZone ?? "UTC", viewerZone, language);
    } catch {
      continue; // a zone this browser does not know: the group's own time stands alone
    }
    if (words === null) continue;
    yours.textContent = ` — ${words}`;
    yours.hidden = false;
  }
}

function proposeBrowserZone(viewerZone) {
  for (const input of document.querySelectorAll("input[data-propose-browser-zone]")) {
    if (!(input instanceof HTMLInputElement) || input.value.trim() !== "") continue;
    input.value = viewerZone;
    const note = document.querySelector("[data-browser-zone-note]");
    if (note instanceof HTMLElement) {
      note.textContent = gettext(
        "Filled in from this device's setting (%(zone)s). Change it if the group meets somewhere else.",
      ).replace("%(zone)s", viewerZone);
      note.hidden = false;
    }
  }
}

if (typeof document !== "undefined") {
  const zone = browserZone();
  if (zone) {
    showWhereYouAre(zone, pageLanguage());
    proposeBrowserZone(zone);
  }
}
