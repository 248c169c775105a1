// Application state store: getState(), setState(patch), subscribe(fn) — subscribers get (state, previous).
let state = {};
const subscribers = new Set();
let notifying = false;
let pending = false;
let lastNotified = state;

export function getState() {
  return state;
}

/** Shallow-merges `patch` into the state, then notifies subscribers (re-entrant calls are queued). */
export function setState(patch) {
  state = { ...state, ...patch };
  if (notifying) {
    pending = true;
    return;
  }
  notifying = true;
  try {
    do {
      pending = false;
      const previous = lastNotified;
      lastNotified = state;
      for (const fn of [...subscribers]) fn(state, previous);
    } while (pending);
  } finally {
    notifying = false;
  }
}

/** Registers `fn(state, previous)`; returns a function that unsubscribes it. */
export function subscribe(fn) {
  subscribers.add(fn);
  return () => subscribers.delete(fn);
}
