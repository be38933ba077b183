// A camera id on one line, cut in the middle when it does not fit: ids of one site tend to share a long prefix and
// differ at the end (entrance-north-01, entrance-north-02), so an ellipsis at the end would make them all look alike.
// CSS can only cut the end of a box: the id is split into a head, which may shrink and ends in "…", and a tail that
// never shrinks. Its text content stays the whole id (accessible name, find in page); callers set the title.

const tailLength = 6;

export function idLabel(element, id) {
  const text = String(id);
  const head = document.createElement('span');
  head.className = 'id-head';
  if (text.length <= tailLength + 2) {
    head.textContent = text;
    element.replaceChildren(head);
    return;
  }

  head.textContent = text.slice(0, -tailLength);
  const tail = document.createElement('span');
  tail.className = 'id-tail';
  tail.textContent = text.slice(-tailLength);
  element.replaceChildren(head, tail);
}
