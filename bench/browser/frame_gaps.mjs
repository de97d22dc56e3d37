// The gaps between the animation frames a page drew, from start to stop:
// the page draws nothing while a frame of the app, or anything else, holds
// its thread, so the longest gap is the most a tap or a scroll waits.

export const startFrameGaps = (page) => page.evaluate(() => {
  window.benchGaps = [];
  window.benchRecording = true;
  let last = performance.now();
  const tick = (at) => {
    window.benchGaps.push(at - last);
    last = at;
    if (window.benchRecording) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
});

// Stops recording; the gaps in ms, in the order they came (the first, from
// start to the first frame, left out).
export const stopFrameGaps = (page) => page.evaluate(() => {
  window.benchRecording = false;
  return window.benchGaps.slice(1);
});

// The share-th smallest of values (0.5: the median, 1: the largest); 0 for none.
export function quantile(values, share) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;
}
