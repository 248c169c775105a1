// Unit tests of the idle lock (ui/js/idle.js) on a fake clock: it fires once after the minutes without input, input
// postpones it, it re-arms for what is left rather than on every mouse move, and a late timer (a computer waking from
// sleep) locks at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIdleTimer, INPUT_EVENTS, watchInput } from '../../ui/js/idle.js';

const MINUTE = 60 * 1000;

/** A clock and timers that move only when told: `advance(ms)` runs every timer that falls due, in order. */
function fakeTime() {
  let now = 0;
  let next = 1;
  const timers = new Map();
  return {
    now: () => now,
    setTimer: (fn, ms) => {
      const id = next++;
      timers.set(id, { fn, at: now + ms });
      return id;
    },
    clearTimer: (id) => timers.delete(id),
    pending: () => timers.size,
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
      }
      now = end;
    },
    /** The clock jumps without the timers running (the computer slept). */
    sleep(ms) {
      now += ms;
    },
  };
}

function setUp() {
  const time = fakeTime();
  const locks = [];
  const idle = createIdleTimer({ onIdle: () => locks.push(time.now()), now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer });
  return { time, locks, idle };
}

test('locks once after the minutes without input', () => {
  const { time, locks, idle } = setUp();
  idle.set(5);
  time.advance(5 * MINUTE - 1);
  assert.deepEqual(locks, []);
  time.advance(1);
  assert.deepEqual(locks, [5 * MINUTE]);
  time.advance(60 * MINUTE);
  assert.equal(locks.length, 1, 'fires once, not every five minutes');
  assert.equal(idle.running(), false);
  assert.equal(time.pending(), 0);
});

test('input postpones the lock to the minutes after the last input', () => {
  const { time, locks, idle } = setUp();
  idle.set(5);
  time.advance(4 * MINUTE);
  idle.activity();
  time.advance(4 * MINUTE);
  idle.activity();
  time.advance(4 * MINUTE);
  assert.deepEqual(locks, []);
  time.advance(1 * MINUTE);
  assert.deepEqual(locks, [13 * MINUTE]);
});

test('a stream of input (mouse moves) never re-arms the timer by itself', () => {
  const time = fakeTime();
  let armed = 0;
  const setTimer = (fn, ms) => {
    armed += 1;
    return time.setTimer(fn, ms);
  };
  const locks = [];
  const idle = createIdleTimer({ onIdle: () => locks.push(time.now()), now: time.now, setTimer, clearTimer: time.clearTimer });
  idle.set(1);
  time.advance(MINUTE / 2);
  for (let i = 0; i < 1000; i += 1) idle.activity();
  assert.equal(armed, 1);
  time.advance(MINUTE / 2);
  assert.equal(armed, 2, 'at the first deadline it sleeps once more, for what is left since the last input');
  time.advance(MINUTE / 2);
  assert.deepEqual(locks, [1.5 * MINUTE]);
});

test('stopping (locked, logged out) cancels it; setting it again starts counting afresh', () => {
  const { time, locks, idle } = setUp();
  idle.set(2);
  time.advance(1 * MINUTE);
  idle.set(null);
  assert.equal(idle.running(), false);
  time.advance(10 * MINUTE);
  assert.deepEqual(locks, []);
  idle.set(2);
  time.advance(2 * MINUTE);
  assert.deepEqual(locks, [13 * MINUTE]);
});

test('the same minutes again change nothing; new minutes count from the last input', () => {
  const { time, locks, idle } = setUp();
  idle.set(10);
  time.advance(3 * MINUTE);
  idle.set(10);
  time.advance(7 * MINUTE);
  assert.deepEqual(locks, [10 * MINUTE], 'setting the same minutes did not restart the count');

  const second = setUp();
  second.idle.set(10);
  second.time.advance(3 * MINUTE);
  second.idle.set(5);
  second.time.advance(2 * MINUTE);
  assert.deepEqual(second.locks, [5 * MINUTE], 'shortened: five minutes after the start');
});

test('a timer that fires late (the computer slept) locks at once', () => {
  const { time, locks, idle } = setUp();
  idle.set(5);
  time.sleep(3 * 60 * MINUTE);
  time.advance(0);
  assert.deepEqual(locks, [3 * 60 * MINUTE]);
});

test('zero, negative or missing minutes never lock', () => {
  const { time, locks, idle } = setUp();
  for (const minutes of [0, -5, null, undefined, Number.NaN]) {
    idle.set(minutes);
    assert.equal(idle.running(), false, String(minutes));
  }
  time.advance(24 * 60 * MINUTE);
  assert.deepEqual(locks, []);
});

test('pointer, key, wheel and touch input on the window count as activity', () => {
  const listeners = new Map();
  const target = {
    addEventListener: (name, fn, options) => listeners.set(name, { fn, options }),
    removeEventListener: (name) => listeners.delete(name),
  };
  let seen = 0;
  const unwatch = watchInput(target, { activity: () => { seen += 1; } });
  assert.deepEqual([...listeners.keys()].sort(), [...INPUT_EVENTS].sort());
  for (const kind of ['pointer', 'key', 'wheel', 'touch']) assert.ok(INPUT_EVENTS.some((name) => name.startsWith(kind)), kind);
  for (const { fn, options } of listeners.values()) {
    fn();
    assert.equal(options.passive, true, 'never delays scrolling');
    assert.equal(options.capture, true, 'seen even when a view stops the event');
  }
  assert.equal(seen, INPUT_EVENTS.length);
  unwatch();
  assert.equal(listeners.size, 0);
});
