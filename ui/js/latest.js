// Loads whose answers may overlap: only the newest is delivered, so a slow reload that returns
// late never paints older rows over newer ones.

/**
 * Returns `load(request, { done, failed })`: runs `request()` and calls `done(value)` or
 * `failed(error)` only if no later load started meanwhile. Resolves true when it delivered.
 */
export function latestOnly() {
  let seq = 0;
  return async (request, { done, failed }) => {
    seq += 1;
    const mine = seq;
    try {
      const value = await request();
      if (mine !== seq) return false;
      done(value);
    } catch (error) {
      if (mine !== seq) return false;
      failed(error);
    }
    return true;
  };
}
