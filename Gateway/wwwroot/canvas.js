// Canvases are drawn at device pixels: the backing store follows the element's CSS size times the pixel ratio, so
// boxes and bars stay sharp on high-density screens and after the page is resized.

// Sizes `canvas` for the screen, clears it, and returns its 2D context with the size in device pixels.
export function clearedContext(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }

  const g = canvas.getContext('2d');
  g.clearRect(0, 0, width, height);
  return { g, width, height, ratio };
}
