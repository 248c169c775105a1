// A button that is busy while its work runs: disabled and marked aria-busy, given back even when the work fails.

/** Runs `work()` with `button` disabled; returns what it returns. */
export async function withBusy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    if (button.isConnected) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }
}
