// Idle lock: after N minutes without pointer, key, wheel or touch input, `onIdle` runs once (the app then locks).
// The clock and the timer are injected, so tests/ui/idle.test.mjs runs it without waiting.

/** The input that counts as someone working at the computer. */
export const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'];

const MINUTE = 60 * 1000;

/**
 * Returns `{ set(minutes), activity(), stop(), running() }`. `set(minutes)` starts watching (a number ≥ 1) or stops
 * (null, 0); calling it again with the same minutes changes nothing. `activity()` records input.
 */
export function createIdleTimer({ onIdle, now = () => Date.now(), setTimer = setTimeout, clearTimer = clearTimeout }) {
  let limit = null;
  let last = 0;
  let timer = null;

  const clear = () => {
    if (timer !== null) clearTimer(timer);
    timer = null;
  };

  // Input only moves `last`: the timer is not re-armed on every mouse move. When it fires it checks how long it
  // really has been (a computer waking from sleep fires late) and sleeps again for whatever is left.
  const arm = () => {
    clear();
    const left = last + limit - now();
    timer = setTimer(fire, Math.max(0, left));
  };

  function fire() {
    timer = null;
    if (limit === null) return;
    if (now() - last >= limit) {
      limit = null;
      onIdle();
    } else {
      arm();
    }
  }

  return {
    set(minutes) {
      const wanted = Number.isFinite(minutes) && minutes > 0 ? minutes * MINUTE : null;
      if (wanted === limit) return;
      if (limit === null) last = now();
      limit = wanted;
      if (limit === null) clear();
      else arm();
    },
    activity() {
      last = now();
    },
    stop() {
      limit = null;
      clear();
    },
    running: () => limit !== null,
  };
}

/** Feeds input events on `target` (the window) to `idle`; returns a function that stops listening. */
export function watchInput(target, idle) {
  const seen = () => idle.activity();
  const options = { capture: true, passive: true };
  for (const name of INPUT_EVENTS) target.addEventListener(name, seen, options);
  return () => {
    for (const name of INPUT_EVENTS) target.removeEventListener(name, seen, options);
  };
}
