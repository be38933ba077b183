// One colour per class label, the same in the live overlay and the counts chart.

const colours = ['#ffb000', '#3fb6ff', '#ff5d73', '#5ee07a', '#c68cff', '#ff8a3d', '#2fe0d0', '#f0e442', '#ff7ad9', '#9fb3c8'];
const assigned = new Map();

export function colourOf(label) {
  let colour = assigned.get(label);
  if (colour === undefined) {
    // A stable hash keeps a class's colour across reloads; collisions only share a colour.
    let hash = 0;
    for (const ch of String(label)) {
      hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    }

    colour = colours[hash % colours.length];
    assigned.set(label, colour);
  }

  return colour;
}
