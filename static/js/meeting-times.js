// Times on the group pages. The server writes each meeting in the group's own zone ("Tuesday
// 8 December, 7:00 pm in Auckland") beside its instant; this adds the time where the viewer
// is, when that reads differently ("— 5:00 pm where you are"), and proposes the browser's
// zone for a new group. Same words as app/groups/meeting_times.py (tests/static checks both).

/** @type {Map<string, Intl.DateTimeFormat>} one formatter a zone: making one is slow */
const formats = new Map();

function formatIn(zone) {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      weekday: "long",
      day: "numeric",
      month: "long",
      hour: "numeric",
      minute: "2-digit",
      hour12: true,
    });
    formats.set(zone, format);
  }
  return format;
}

/** "Tuesday 8 December, 7:00 pm": the instant on the wall clock of an IANA zone. */
export function localText(instantMs, zone) {
  const parts = {};
  for (const part of formatIn(zone).formatToParts(instantMs)) parts[part.type] = part.value;
  const hour = parts.hour === "0" ? "12" : parts.hour;
  const period = (parts.dayPeriod ?? "").toLowerCase();
  return `${parts.weekday} ${parts.day} ${parts.month}, ${hour}:${parts.minute} ${period}`;
}

/** What to add for a viewer in `viewerZone`, or null when their clock reads the same:
 *  the time alone on the same day, the day too when it is another day where they are. */
export function whereYouAre(instantMs, groupZone, viewerZone) {
  const theirs = localText(instantMs, groupZone);
  const yours = localText(instantMs, viewerZone);
  if (yours === theirs) return null;
  const [theirDay] = theirs.split(", ");
  const [yourDay, yourTime] = yours.split(", ");
  return `${yourDay === theirDay ? yourTime : yours} where you are`;
}

function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

function showWhereYouAre(viewerZone) {
  for (const time of document.querySelectorAll("time[data-group-zone]")) {
    const yours = time.parentElement?.querySelector("[data-where-you-are]");
    const instant = Date.parse(time.getAttribute("datetime") ?? "");
    if (!yours || Number.isNaN(instant)) continue;
    let words = null;
    try {
      words = whereYouAre(instant, time.dataset.groupZone ?? "UTC", viewerZone);
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
      note.textContent = `Filled in from this device's setting (${viewerZone}). Change it if the group meets somewhere else.`;
      note.hidden = false;
    }
  }
}

if (typeof document !== "undefined") {
  const zone = browserZone();
  if (zone) {
    showWhereYouAre(zone);
    proposeBrowserZone(zone);
  }
}
