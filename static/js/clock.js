// One clock on every screen: this browser's estimate of the server clock, and the countdowns
// drawn from it (docs/clock-sync.md). Mirrors app/timekeeping/clock_sync.py, in milliseconds
// like the wire. Nothing here touches the page until it is called.

const WINDOW_SIZE = 8;
const MAX_ROUND_TRIP_MS = 10_000;
const BURST_SIZE = 6;
const BURST_GAP_MS = 200;
const RESYNC_MS = 30_000;
const DEFAULT_CUE_MS = 60_000;

/** @typedef {{offsetMs: number, roundTripMs: number}} Sample */
/** @typedef {{budget_ms: number, accumulated_ms: number, started_at_ms: number | null}} Timer */
/** @typedef {"running" | "paused" | "near-end" | "time"} TimerState */

// Date.now() can jump when the device corrects its clock; this cannot, and the offset absorbs
// however wrong the wall clock was when the page loaded.
const clientNowMs = () => performance.timeOrigin + performance.now();

export class ServerClock {
  /** @type {Sample[]} */ #samples = [];
  /** @type {Sample | null} */ #carried = null; // the estimate from before the last reset
  /** @type {Set<number>} */ #pending = new Set(); // t0 of pings still awaiting their pong
  /** @type {ReturnType<typeof setTimeout>[]} */ #burst = [];
  /** @type {ReturnType<typeof setInterval> | undefined} */ #resync;
  #send;

  /** @param {(msg: {type: "ping", t0: number}) => void} send serialises and sends, or drops */
  constructor(send) {
    this.#send = send;
  }

  /** @returns {Sample | null} the fastest exchange in the window: the least room for error */
  get #best() {
    if (this.#samples.length === 0) return this.#carried;
    // From the newest, replacing only on a strictly faster one: a tie goes to the fresher sample.
    return this.#samples.reduceRight((best, s) => (s.roundTripMs < best.roundTripMs ? s : best));
  }

  /** Server clock minus client clock; 0 before any pong, trusting the device meanwhile. */
  get offsetMs() {
    return this.#best?.offsetMs ?? 0;
  }

  /** @returns {number} estimated server clock, unix ms */
  now() {
    return clientNowMs() + this.offsetMs;
  }

  /** @param {{t0?: unknown, t1?: unknown}} msg a `pong` from the server */
  onPong(msg) {
    const t2 = clientNowMs();
    const { t0, t1 } = msg;
    // Only answers to our own pings since the last reset: a ping queued while offline, or sent on
    // the old path, would mislead.
    if (typeof t0 !== "number" || typeof t1 !== "number" || !this.#pending.delete(t0)) return;
    const roundTripMs = t2 - t0;
    const offsetMs = t1 - (t0 + roundTripMs / 2);
    const possible = Number.isFinite(roundTripMs) && Number.isFinite(offsetMs);
    if (!possible || roundTripMs < 0 || roundTripMs > MAX_ROUND_TRIP_MS) return;
    this.#samples = [...this.#samples, { offsetMs, roundTripMs }].slice(-WINDOW_SIZE);
  }

  /** A quick burst to converge, then a ping now and then to follow drift. Call on every open. */
  startSync() {
    this.stop();
    for (let i = 0; i < BURST_SIZE; i++) {
      this.#burst.push(setTimeout(() => this.#ping(), i * BURST_GAP_MS));
    }
    this.#resync = setInterval(() => this.#ping(), RESYNC_MS);
  }

  stop() {
    this.#burst.forEach(clearTimeout);
    this.#burst = [];
    clearInterval(this.#resync);
  }

  /** On reconnect: the network path may have changed, so start a new window, but keep showing
   * the last estimate until the first new pong. */
  reset() {
    this.#carried = this.#best;
    this.#samples = [];
    this.#pending.clear();
  }

  #ping() {
    // Whole ms, so the echo survives any server that reads t0 as an integer.
    const t0 = Math.round(clientNowMs());
    // Their pongs would be rejected anyway; forgetting them keeps lost pings from piling up.
    for (const sent of this.#pending) if (t0 - sent > MAX_ROUND_TRIP_MS) this.#pending.delete(sent);
    this.#pending.add(t0);
    this.#send({ type: "ping", t0 });
  }
}

/** @param {Timer} timer @param {number} serverNowMs @returns {number} negative once over */
export function remainingMs(timer, serverNowMs) {
  const startedAt = timer.started_at_ms;
  // A start stamped a moment "in the future" of our estimate must not give time back.
  const runningMs = startedAt === null ? 0 : Math.max(0, serverNowMs - startedAt);
  return timer.budget_ms - timer.accumulated_ms - runningMs;
}

/** @param {number} ms @returns {string} "4:05", "1:02:03"; over time "+0:12" */
export function formatClock(ms) {
  // Up while counting down, down once over: 0:01 → 0:00 → +0:01, each shown for a whole second.
  const overSeconds = Math.floor(-ms / 1000);
  const over = overSeconds >= 1;
  const total = over ? overSeconds : Math.max(0, Math.ceil(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
  const text = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  return over ? `+${text}` : text;
}

/** @param {string} json @returns {Timer | null} */
function parseTimer(json) {
  try {
    const v = JSON.parse(json);
    const numbers = typeof v?.budget_ms === "number" && typeof v.accumulated_ms === "number";
    return numbers && (v.started_at_ms === null || typeof v.started_at_ms === "number") ? v : null;
  } catch {
    return null; // one malformed attribute must not stop every other countdown
  }
}

/** @param {Timer} timer @param {number} remaining @param {number} cueMs @returns {TimerState} */
function stateOf(timer, remaining, cueMs) {
  // Paused wins even over time: a pause is somebody taking a moment, not a clock to beat.
  if (timer.started_at_ms === null) return "paused";
  if (remaining <= 0) return "time";
  return remaining < cueMs ? "near-end" : "running";
}

/** @type {{now(): number} | null} the clock the countdowns are drawn from */
let drawingClock = null;
/** @type {WeakMap<HTMLElement, TimerState>} each countdown's state as last drawn */
const drawnStates = new WeakMap();

/**
 * The remaining time `el` shows at this instant: what a draw now would show. For tests that
 * compare screens at the same moment without waiting for, or racing, a frame.
 * @param {HTMLElement} el a `[data-timer]` element
 * @returns {number | null} ms, negative once over; null before countdowns run
 */
export function remainingNowMs(el) {
  const timer = parseTimer(el.dataset.timer ?? "");
  return timer === null || drawingClock === null ? null : remainingMs(timer, drawingClock.now());
}

/**
 * How long until a countdown showing `remaining` can look different: its text steps at every
 * whole second (formatClock), its state when the cue begins and when time is up.
 * @param {number} remaining ms, negative once over
 * @param {number} cueMs
 * @returns {number} ms, more than 0
 */
export function msUntilChange(remaining, cueMs) {
  const toNextSecond = ((remaining % 1000) + 1000) % 1000 || 1000;
  const toCue = cueMs > 0 && remaining >= cueMs ? remaining - cueMs : Infinity;
  const toEnd = remaining > 0 ? remaining : Infinity;
  // Just past the boundary: "near-end" begins below the cue, and the text steps on it.
  return Math.min(toNextSecond, toCue, toEnd) + 1;
}

/**
 * Write each `[data-timer]` element's countdown and set its `data-state` (`data-cue-ms` sets
 * when "near-end" begins), then sleep until one of them can next look different, or the page
 * swaps a countdown in. Drawing only then, rather than every frame, keeps a phone's CPU (and
 * battery) nearly idle through a long share. Only the digits change here: cue transitions
 * belong to CSS, which honours prefers-reduced-motion. When the group has turned the sound on
 * (a `[data-sound-cue="on"]` marker on the page), a countdown reaching its cue or its end
 * also plays a soft tone, once.
 * @param {ParentNode & Node} root
 * @param {{now(): number}} clock
 * @returns {() => void} draws again soon: for when the clock's estimate of the server changes
 */
export function animateCountdowns(root, clock) {
  drawingClock = clock;
  let frame = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let wake;
  const drawSoon = () => {
    clearTimeout(wake);
    // In the next frame, so a hidden page draws nothing until it is seen again.
    if (frame === 0) frame = requestAnimationFrame(update);
  };
  const update = () => {
    frame = 0;
    const now = clock.now();
    let nextChangeMs = Infinity;
    /** @type {TimerState | null} */
    let reached = null;
    /** @type {NodeListOf<HTMLElement>} */
    const elements = root.querySelectorAll("[data-timer]");
    for (const el of elements) {
      const timer = parseTimer(el.dataset.timer ?? "");
      if (timer === null) continue;
      const remaining = remainingMs(timer, now);
      const text = formatClock(remaining);
      const cueMs = el.dataset.cueMs ? Number(el.dataset.cueMs) : DEFAULT_CUE_MS;
      const state = stateOf(timer, remaining, cueMs);
      if (el.textContent !== text) el.textContent = text;
      if (el.dataset.state !== state) el.dataset.state = state;
      if (timer.started_at_ms !== null) {
        nextChangeMs = Math.min(nextChangeMs, msUntilChange(remaining, cueMs));
      }
      // Only a countdown seen running that gets there sounds: not one drawn for the first time
      // (a page load, or a swap) already past its cue.
      const before = drawnStates.get(el);
      if (before !== state && (before === "running" || before === "near-end")) {
        if (state === "time" || (state === "near-end" && reached === null)) reached = state;
      }
      drawnStates.set(el, state);
    }
    if (reached !== null && root.querySelector('[data-sound-cue="on"]')) softTone(reached);
    clearTimeout(wake);
    if (Number.isFinite(nextChangeMs)) wake = setTimeout(drawSoon, nextChangeMs);
  };
  // A swapped-in countdown (or a changed one) is drawn at once; our own digits are not news.
  const swaps = new MutationObserver((changes) => {
    const ours = (/** @type {MutationRecord} */ c) =>
      c.type === "childList" && c.target instanceof HTMLElement && "timer" in c.target.dataset;
    if (!changes.every(ours)) drawSoon();
  });
  swaps.observe(root, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["data-timer", "data-cue-ms"],
  });
  update();
  return drawSoon;
}

/** @type {AudioContext | null} */
let audio = null;

/**
 * A short, quiet sine tone, lower at the end than at the cue. Browsers allow sound only after
 * someone has tapped or clicked the page; until then this stays silent rather than queueing.
 * @param {TimerState} state "near-end" or "time"
 */
function softTone(state) {
  if (!navigator.userActivation?.hasBeenActive || typeof AudioContext === "undefined") return;
  audio ??= new AudioContext();
  const start = audio.currentTime;
  const tone = audio.createOscillator();
  const volume = audio.createGain();
  tone.type = "sine";
  tone.frequency.value = state === "time" ? 523.25 : 659.25;
  volume.gain.setValueAtTime(0, start);
  volume.gain.linearRampToValueAtTime(0.06, start + 0.08);
  volume.gain.exponentialRampToValueAtTime(0.0001, start + 1.4);
  tone.connect(volume).connect(audio.destination);
  tone.start(start);
  tone.stop(start + 1.5);
}
