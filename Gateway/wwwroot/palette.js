// One colour per class label, the same in the live overlay, the grid and the counts chart.
//
// A fixed qualitative palette (Okabe–Ito's colour-blind-safe hues, brightened for the dark page, plus four more), the
// first six the most distinct of them (CIE76 ΔE ≥ 35 pairwise). A label's colour is palette[hash(label) % 10], so it
// is the same across reloads and tabs without any shared state. The hash's seed is chosen so that the shipped model's
// six classes (circle, square, triangle, star, cross, ring) land on exactly those six: an earlier hash put three of
// them on one red. Another model's labels may collide; within a page a collision moves on to the next colour not yet
// taken, so up to ten classes on one page always look different (only a colliding label's colour then depends on
// which label was seen first).

export const palette = [
  '#e69f00', '#56b4e9', '#8ee05a', '#f0e442', '#ff4f8b', '#9b6bff',
  '#d55e00', '#3de0e0', '#cc79a7', '#009e73',
];

const seed = 1336;
const assigned = new Map();
const taken = new Set();

// FNV-1a over the UTF-8 bytes, then murmur3's finaliser: FNV alone leaves its low bits (what % 10 reads) poorly mixed.
export function labelHash(label) {
  let h = (2166136261 ^ seed) >>> 0;
  for (const byte of new TextEncoder().encode(String(label))) {
    h = Math.imul(h ^ byte, 16777619) >>> 0;
  }

  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export function colourOf(label) {
  let colour = assigned.get(label);
  if (colour === undefined) {
    const start = labelHash(label) % palette.length;
    colour = palette[start]; // more labels than colours: the rest share, each its own hashed slot
    for (let step = 0; step < palette.length; step++) {
      const candidate = palette[(start + step) % palette.length];
      if (!taken.has(candidate)) {
        colour = candidate;
        break;
      }
    }

    assigned.set(label, colour);
    taken.add(colour);
  }

  return colour;
}
