// Debounced search shared by the header search and the head picker: only the newest answer is delivered.
import * as api from './api.js';

export function createSearch({ delay = 150, onResults, onError }) {
  let timer = null;
  let seq = 0;

  async function runNow(query) {
    clearTimeout(timer);
    seq += 1;
    const mine = seq;
    if (query.trim() === '') {
      onResults([], query);
      return;
    }
    try {
      const hits = await api.search(query);
      if (mine === seq) onResults(hits ?? [], query);
    } catch (error) {
      if (mine === seq) onError?.(error, query);
    }
  }

  return {
    /** Searches after `delay` ms of quiet. */
    run(query) {
      clearTimeout(timer);
      seq += 1;
      timer = setTimeout(() => runNow(query), delay);
    },
    /** Searches at once (e.g. on Enter). */
    now: runNow,
    /** Drops any pending or running search. */
    cancel() {
      clearTimeout(timer);
      seq += 1;
    },
  };
}
