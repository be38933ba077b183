// Drawing a camera's zones and counting lines over the live view, in frame coordinates 0..1 scaled to the overlay.
// One colour for all of them, outside the class palette, so a zone or a line is never mistaken for an object's box;
// a dark halo under each stroke keeps it visible on a bright picture.

export const sceneColour = '#ffffff';
const halo = 'rgba(5, 8, 11, 0.7)';
const zoneFill = 'rgba(255, 255, 255, 0.14)';

/** Draws <zones> and <lines> (the camera's spec lists) on <g>, sized <width> x <height> device pixels. */
export function drawScene(g, zones, lines, width, height, ratio) {
  for (const zone of zones ?? []) {
    drawZone(g, zone.polygon, zone.name, width, height, ratio, false);
  }

  for (const line of lines ?? []) {
    drawLine(g, line.from, line.to, line.name, width, height, ratio, false);
  }
}

/** A zone's polygon (closed unless <open>: one being drawn), translucent, with its name at its top vertex. */
export function drawZone(g, polygon, name, width, height, ratio, open) {
  if (!polygon?.length) {
    return;
  }

  const points = polygon.map(([x, y]) => [x * width, y * height]);
  g.save();
  g.beginPath();
  points.forEach(([x, y], i) => (i === 0 ? g.moveTo(x, y) : g.lineTo(x, y)));
  if (!open) {
    g.closePath();
    g.fillStyle = zoneFill;
    g.fill();
  }

  g.setLineDash([6 * ratio, 4 * ratio]);
  stroke(g, ratio);
  g.setLineDash([]);
  for (const [x, y] of points) {
    dot(g, x, y, ratio);
  }

  if (name) {
    const top = points.reduce((best, p) => (p[1] < best[1] ? p : best), points[0]);
    tag(g, name, top[0], top[1], width, ratio);
  }

  g.restore();
}

/**
 * A counting line with an arrow on the side objects cross *to* when they count as `in`: facing from `from` to `to`,
 * crossing from the left-hand side to the right-hand side is `in` (README, "Zones and counting lines"). With y
 * pointing down, the right-hand normal of a direction (dx, dy) is (-dy, dx); it is taken in pixels, since scaling x and
 * y by positive factors keeps which side is which.
 */
export function drawLine(g, from, to, name, width, height, ratio, draft) {
  if (!from) {
    return;
  }

  const [x1, y1] = [from[0] * width, from[1] * height];
  g.save();
  dot(g, x1, y1, ratio);
  if (to) {
    const [x2, y2] = [to[0] * width, to[1] * height];
    g.beginPath();
    g.moveTo(x1, y1);
    g.lineTo(x2, y2);
    if (draft) {
      g.setLineDash([6 * ratio, 4 * ratio]);
    }

    stroke(g, ratio);
    g.setLineDash([]);
    dot(g, x2, y2, ratio);
    const length = Math.hypot(x2 - x1, y2 - y1);
    if (length > 4 * ratio) {
      const nx = -(y2 - y1) / length;
      const ny = (x2 - x1) / length;
      const mx = (x1 + x2) / 2;
      const my = (y1 + y2) / 2;
      arrow(g, mx, my, mx + nx * 22 * ratio, my + ny * 22 * ratio, ratio);
      g.font = `600 ${Math.round(11 * ratio)}px system-ui, sans-serif`;
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.fillStyle = sceneColour;
      g.fillText('in', mx + nx * 38 * ratio, my + ny * 38 * ratio);
      g.textAlign = 'start';
    }
  }

  if (name) {
    tag(g, name, x1, y1, width, ratio);
  }

  g.restore();
}

function stroke(g, ratio) {
  g.lineJoin = 'round';
  g.lineCap = 'round';
  g.strokeStyle = halo;
  g.lineWidth = 5 * ratio;
  g.stroke();
  g.strokeStyle = sceneColour;
  g.lineWidth = 2.5 * ratio;
  g.stroke();
}

function dot(g, x, y, ratio) {
  g.beginPath();
  g.arc(x, y, 3.5 * ratio, 0, 2 * Math.PI);
  g.fillStyle = sceneColour;
  g.strokeStyle = halo;
  g.lineWidth = 1.5 * ratio;
  g.fill();
  g.stroke();
}

function arrow(g, x1, y1, x2, y2, ratio) {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const head = 7 * ratio;
  g.beginPath();
  g.moveTo(x1, y1);
  g.lineTo(x2, y2);
  g.moveTo(x2 - head * Math.cos(angle - 0.5), y2 - head * Math.sin(angle - 0.5));
  g.lineTo(x2, y2);
  g.lineTo(x2 - head * Math.cos(angle + 0.5), y2 - head * Math.sin(angle + 0.5));
  g.setLineDash([]);
  stroke(g, ratio);
}

// A name on a dark tag just above (x, y), kept inside the canvas.
function tag(g, text, x, y, width, ratio) {
  g.font = `600 ${Math.round(12 * ratio)}px system-ui, sans-serif`;
  g.textBaseline = 'top';
  const pad = 3 * ratio;
  const h = Math.round(16 * ratio);
  const w = g.measureText(text).width + 2 * pad;
  const tx = Math.min(Math.max(0, x - w / 2), Math.max(0, width - w));
  const ty = y - h - 6 * ratio >= 0 ? y - h - 6 * ratio : y + 6 * ratio;
  g.fillStyle = halo;
  g.fillRect(tx, ty, w, h);
  g.fillStyle = sceneColour;
  g.fillText(text, tx + pad, ty + 2 * ratio);
}
