import test from 'node:test';
import assert from 'node:assert/strict';
import { latestOnly } from '../../ui/js/latest.js';

const later = (ms, value, fail = false) => () =>
  new Promise((resolve, reject) => setTimeout(() => (fail ? reject(value) : resolve(value)), ms));

test('a slow older answer is dropped when a newer load has started', async () => {
  const load = latestOnly();
  const seen = [];
  const handlers = { done: (v) => seen.push(v), failed: (e) => seen.push(`error ${e}`) };
  const [older, newer] = await Promise.all([load(later(30, 'old'), handlers), load(later(5, 'new'), handlers)]);
  assert.deepEqual(seen, ['new']);
  assert.deepEqual([older, newer], [false, true]);
});

test('an error of the newest load is reported, an older one is not', async () => {
  const load = latestOnly();
  const seen = [];
  const handlers = { done: (v) => seen.push(v), failed: (e) => seen.push(`error ${e}`) };
  await Promise.all([load(later(30, 'x', true), handlers), load(later(5, 'y', true), handlers)]);
  assert.deepEqual(seen, ['error y']);
});
