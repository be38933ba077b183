"""Deterministic synthetic scenes of six filled shapes for training and evaluating the shipped model.

Classes (id: name): 1 circle, 2 square, 3 triangle, 4 star, 5 cross, 6 ring; 0 is background.
Everything is drawn with numpy/OpenCV from a numpy Generator seeded by the caller, so a seed always gives
the same pixels and boxes. Sizes are specified for a 1280x720 frame and scale with the frame area.

Ground truth is exact by construction: every object is rasterized into its own mask, later objects
occlude earlier ones through a label map, and the box is the tight axis-aligned box of the label-map
pixels that still belong to the object. An object with less than MIN_VISIBLE of its area on screen
(occluded or outside the frame) is not drawn at all, so every drawn object has a box and vice versa.

CLI (run from tools/):  /usr/bin/python3 -m refinedet.synthetic --help
"""
import argparse
import json
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import cv2
import numpy as np

LABELS = ["background", "circle", "square", "triangle", "star", "cross", "ring"]
REF_W, REF_H = 1280, 720
MIN_SIZE, MAX_SIZE = 16, 320  # longer side of the object's box, in 1280x720 pixels
MAX_OBJECTS = 12
MIN_VISIBLE = 0.6  # "up to 40% of an object hidden"
# Characters used as text clutter: none of them resembles a class (no O/Q/0/D/C/B/%/& with ring-like
# loops, no X/+/T).
GLYPHS = "AEFHJKLMNPRSUVWYZ2345679#?"


def frame_scale(w, h):
    return math.sqrt((w * h) / (REF_W * REF_H))


# --------------------------------------------------------------------------------------------- shapes
def _rot(pts, angle):
    c, s = math.cos(angle), math.sin(angle)
    return pts @ np.array([[c, s], [-s, c]], dtype=np.float64)


def shape_outline(cls, angle, params):
    """Outline polygon(s) of a class in arbitrary units centred on the origin.
    Returns (outer polygon or None for discs, hole radius ratio or 0)."""
    if cls == 2:  # square
        pts = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=np.float64)
    elif cls == 3:  # roughly equilateral triangle: vertex angles jittered a little
        a = np.array([0, 2 * math.pi / 3, 4 * math.pi / 3]) + params["jitter"]
        pts = np.stack([np.sin(a), -np.cos(a)], axis=1)
    elif cls == 4:  # five-pointed star
        k = np.arange(10)
        r = np.where(k % 2 == 0, 1.0, params["inner"])
        a = k * math.pi / 5
        pts = np.stack([r * np.sin(a), -r * np.cos(a)], axis=1)
    elif cls == 5:  # plus sign, arm half-width w (arm width = 2w of the 2-unit span, about a third)
        w = params["arm"]
        pts = np.array([[-w, -1], [w, -1], [w, -w], [1, -w], [1, w], [w, w], [w, 1], [-w, 1],
                        [-w, w], [-1, w], [-1, -w], [-w, -w]], dtype=np.float64)
    else:
        return None
    return _rot(pts, angle)


def object_mask(obj, scale):
    """Rasterize an object. Returns (x0, y0, mask bool [h,w]) in frame pixels; the mask is unclipped."""
    cls, size = obj["cls"], obj["size"] * scale
    cx, cy = obj["cx"] * scale, obj["cy"] * scale
    pts = shape_outline(cls, obj["angle"], obj["params"])
    if pts is None:  # circle / ring: the box side is the diameter
        r = size / 2.0
        x0, y0 = int(math.floor(cx - r)) - 1, int(math.floor(cy - r)) - 1
        w = h = int(math.ceil(2 * r)) + 3
        m = np.zeros((h, w), np.uint8)
        c = (int(round((cx - x0) * 16)), int(round((cy - y0) * 16)))
        cv2.circle(m, c, int(round(r * 16)), 1, -1, cv2.LINE_8, 4)
        if cls == 6:
            cv2.circle(m, c, int(round(r * obj["params"]["hole"] * 16)), 0, -1, cv2.LINE_8, 4)
        return x0, y0, m.astype(bool)
    ext = pts.max(axis=0) - pts.min(axis=0)
    pts = pts * (size / max(ext.max(), 1e-6))
    pts = pts + np.array([cx, cy])
    x0, y0 = int(math.floor(pts[:, 0].min())) - 1, int(math.floor(pts[:, 1].min())) - 1
    w = int(math.ceil(pts[:, 0].max())) - x0 + 2
    h = int(math.ceil(pts[:, 1].max())) - y0 + 2
    m = np.zeros((h, w), np.uint8)
    p = np.round((pts - np.array([x0, y0])) * 16).astype(np.int32)
    cv2.fillPoly(m, [p], 1, cv2.LINE_8, 4)
    return x0, y0, m.astype(bool)


def random_object(rng, cls=None):
    cls = int(rng.integers(1, 7)) if cls is None else cls
    size = float(math.exp(rng.uniform(math.log(MIN_SIZE), math.log(MAX_SIZE))))
    params = {"jitter": rng.uniform(-0.12, 0.12, 3), "inner": rng.uniform(0.38, 0.5),
              "arm": rng.uniform(0.3, 0.37), "hole": rng.uniform(0.45, 0.7)}
    return {"cls": cls, "size": size, "cx": rng.uniform(0, REF_W), "cy": rng.uniform(0, REF_H),
            "angle": rng.uniform(0, 2 * math.pi), "params": params, "color": None}


# ---------------------------------------------------------------------------------------- backgrounds
def _low_freq(rng, w, h, cells, channels=3):
    g = rng.uniform(0, 1, (cells[1], cells[0], channels)).astype(np.float32)
    return cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC).reshape(h, w, channels)


def _random_bgr(rng, lo=0, hi=255):
    return rng.uniform(lo, hi, 3).astype(np.float32)


def background(rng, w, h):
    """One of: linear gradient, low-frequency noise, texture (stripes / checks / grain), each tinted."""
    kind = rng.integers(0, 4)
    yy = np.arange(h, dtype=np.float32)[:, None]
    xx = np.arange(w, dtype=np.float32)[None, :]
    if kind == 0:
        a = rng.uniform(0, 2 * math.pi)
        t = (np.cos(a) * xx / w + np.sin(a) * yy / h)
        t = (t - t.min()) / max(t.max() - t.min(), 1e-6)
        c0, c1 = _random_bgr(rng), _random_bgr(rng)
        img = c0 + t[..., None] * (c1 - c0)
    elif kind == 1:
        img = _low_freq(rng, w, h, (int(rng.integers(2, 9)), int(rng.integers(2, 6)))) * rng.uniform(80, 255)
        img += _random_bgr(rng, 0, 100)
    elif kind == 2:
        period = rng.uniform(6, 60) * frame_scale(w, h)
        a = rng.uniform(0, math.pi)
        u = (np.cos(a) * xx + np.sin(a) * yy) / period
        if rng.random() < 0.5:
            t = 0.5 + 0.5 * np.sin(2 * math.pi * u)
        else:
            v = (-np.sin(a) * xx + np.cos(a) * yy) / period
            t = ((np.floor(u) + np.floor(v)) % 2).astype(np.float32)
        c0, c1 = _random_bgr(rng), _random_bgr(rng)
        c1 = c0 + (c1 - c0) * rng.uniform(0.1, 0.4)  # textures stay low-contrast
        img = c0 + t[..., None] * (c1 - c0)
    else:
        grain = rng.normal(0, 1, (h // 4 + 1, w // 4 + 1)).astype(np.float32)
        grain = cv2.resize(grain, (w, h), interpolation=cv2.INTER_LINEAR)[..., None]
        img = _random_bgr(rng, 30, 230) + grain * rng.uniform(5, 25)
        img = img + (_low_freq(rng, w, h, (3, 2)) - 0.5) * rng.uniform(0, 80)
    return np.clip(img, 0, 255).astype(np.uint8)


def clutter(rng, img, amount=None):
    """Distractors that are none of the classes: thin lines, open arcs, text glyphs, elongated blobs."""
    h, w = img.shape[:2]
    s = frame_scale(w, h)
    n = int(rng.integers(0, 25)) if amount is None else amount
    for _ in range(n):
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        kind = rng.integers(0, 4)
        if kind == 0:
            p1 = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
            L = rng.uniform(20, 400) * s
            a = rng.uniform(0, 2 * math.pi)
            p2 = (int(p1[0] + L * math.cos(a)), int(p1[1] + L * math.sin(a)))
            cv2.line(img, p1, p2, color, max(1, int(rng.integers(1, 4) * s)), cv2.LINE_AA)
        elif kind == 1:  # at most half a circle, so it never reads as a ring
            c = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
            r = int(rng.uniform(10, 120) * s) + 1
            a0 = rng.uniform(0, 360)
            cv2.ellipse(img, c, (r, int(r * rng.uniform(0.5, 1))), 0, a0, a0 + rng.uniform(40, 180), color,
                        max(1, int(rng.integers(1, 3) * s)), cv2.LINE_AA)
        elif kind == 2:
            text = "".join(rng.choice(list(GLYPHS), int(rng.integers(1, 5))))
            cv2.putText(img, text, (int(rng.uniform(0, w)), int(rng.uniform(0, h))),
                        int(rng.choice([cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_PLAIN,
                                        cv2.FONT_HERSHEY_DUPLEX])), rng.uniform(0.4, 1.6) * s, color,
                        max(1, int(rng.integers(1, 3) * s)), cv2.LINE_AA)
        else:  # elongated blob (axis ratio >= 2.5, so not a circle)
            c = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
            a = rng.uniform(4, 16) * s
            cv2.ellipse(img, c, (int(a) + 1, max(1, int(a / rng.uniform(2.5, 5)))), rng.uniform(0, 180), 0,
                        360, color, -1, cv2.LINE_AA)
    return img


# -------------------------------------------------------------------------------------------- colours
def _luma(bgr):
    return 0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2]


def contrasting_color(rng, bg_bgr):
    """A random-hue solid colour whose luma differs from the local background by >= 60, or whose colour
    distance is large; the best of a few tries otherwise."""
    best, best_d = None, -1.0
    for _ in range(12):
        hsv = np.uint8([[[rng.integers(0, 180), rng.integers(90, 256), rng.integers(30, 256)]]])
        c = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)
        d = abs(_luma(c) - _luma(bg_bgr)) + 0.35 * float(np.linalg.norm(c - bg_bgr))
        if d > best_d:
            best, best_d = c, d
        if d >= 90:
            break
    return tuple(int(v) for v in best)


# ---------------------------------------------------------------------------------------- compositing
def composite(img, objects, rng=None):
    """Draw objects in order (later ones on top) and return the ground truth of the drawn ones.

    Objects that would be less than MIN_VISIBLE visible are removed (from the list passed in too when
    `drop` semantics are wanted by the caller, see below). An object without a colour gets one that
    contrasts with the background under it (needs rng). Returns list of (obj, (x1,y1,x2,y2)) with box
    edges in pixel-boundary coordinates (x2 = last column + 1).
    """
    h, w = img.shape[:2]
    s = frame_scale(w, h)
    rendered = []
    for obj in objects:
        x0, y0, m = object_mask(obj, s)
        area = int(m.sum())
        if area == 0:
            continue
        # Clip to the frame.
        cx0, cy0 = max(x0, 0), max(y0, 0)
        cx1, cy1 = min(x0 + m.shape[1], w), min(y0 + m.shape[0], h)
        if cx1 <= cx0 or cy1 <= cy0:
            continue
        mc = m[cy0 - y0:cy1 - y0, cx0 - x0:cx1 - x0]
        if mc.sum() < MIN_VISIBLE * area:
            continue
        rendered.append([obj, cx0, cy0, mc, area])
    # Resolve occlusion; removing an object never hides the others more, so iterate until stable.
    while True:
        label = np.zeros((h, w), np.uint8)
        for k, (_, x0, y0, m, _) in enumerate(rendered):
            label[y0:y0 + m.shape[0], x0:x0 + m.shape[1]][m] = k + 1
        worst, worst_frac = None, 1.0
        for k, (_, x0, y0, m, area) in enumerate(rendered):
            vis = (label[y0:y0 + m.shape[0], x0:x0 + m.shape[1]] == k + 1).sum() / area
            if vis < MIN_VISIBLE and vis < worst_frac:
                worst, worst_frac = k, vis
        if worst is None:
            break
        # Drop the bottom-most of the too-hidden objects: it is the one the others cover.
        rendered.pop(worst)
    out = []
    for k, (obj, x0, y0, m, _) in enumerate(rendered):
        if obj["color"] is None:
            bg = img[y0:y0 + m.shape[0], x0:x0 + m.shape[1]][m].reshape(-1, 3).mean(axis=0)
            obj["color"] = contrasting_color(rng, bg)
        own = label[y0:y0 + m.shape[0], x0:x0 + m.shape[1]] == k + 1
        img[y0:y0 + m.shape[0], x0:x0 + m.shape[1]][m] = obj["color"]
        ys, xs = np.nonzero(own)
        out.append((obj, (float(x0 + xs.min()), float(y0 + ys.min()), float(x0 + xs.max() + 1),
                          float(y0 + ys.max() + 1))))
    return out


def _noise_tile(rng, shape):
    """Unit Gaussian noise for a whole frame, tiled from a 128x128 block at a random offset: drawing a
    full frame of normals costs more than the rest of the scene, and nobody can see the repetition."""
    tile = rng.standard_normal((128, 128, shape[2]), dtype=np.float32)
    reps = (shape[0] // 128 + 2, shape[1] // 128 + 2, 1)
    big = np.tile(tile, reps)
    oy, ox = rng.integers(0, 128, 2)
    return big[oy:oy + shape[0], ox:ox + shape[1]]


def photometric(rng, img, blur=None, jpeg=None, noise=None):
    """Illumination (gain field + offset), blur, sensor noise and JPEG artefacts."""
    h, w = img.shape[:2]
    f = img.astype(np.float32)
    gain = rng.uniform(0.7, 1.25) * (1 + (_low_freq(rng, w, h, (3, 2), 1) - 0.5) * rng.uniform(0, 0.5))
    f = f * gain + rng.uniform(-25, 25)
    sigma = rng.uniform(0, 1.3) * frame_scale(w, h) if blur is None else blur
    if sigma > 0.3:
        f = cv2.GaussianBlur(f, (0, 0), sigma)
    ns = rng.uniform(0, 6) if noise is None else noise
    if ns > 0.5:
        f += _noise_tile(rng, f.shape) * ns
    img = np.clip(f, 0, 255).astype(np.uint8)
    q = (int(rng.integers(25, 96)) if rng.random() < 0.6 else None) if jpeg is None else jpeg
    if q:
        img = cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1], cv2.IMREAD_COLOR)
    return img


def to_gt(drawn):
    """[(class id, label, (x1,y1,x2,y2))] from composite() output."""
    return [(o["cls"], LABELS[o["cls"]], box) for o, box in drawn]


def generate_image(seed, width=REF_W, height=REF_H):
    """One still scene: (BGR uint8 image, [(class id, label, (x1,y1,x2,y2) pixels)])."""
    rng = np.random.default_rng(seed)
    img = clutter(rng, background(rng, width, height))
    # Objects that end up more than 40% hidden are dropped by composite(), i.e. re-sampled as "absent".
    objects = [random_object(rng) for _ in range(int(rng.integers(0, MAX_OBJECTS + 1)))]
    drawn = composite(img, objects, rng)
    return photometric(rng, img), to_gt(drawn)


# -------------------------------------------------------------------------------------------- video
class VideoScene:
    """Moving objects over a static cluttered background: linear motion with bounces, slow rotation, scale
    drift; objects enter through the frame edges and leave through them. Deterministic by seed."""

    def __init__(self, seed, width=REF_W, height=REF_H, fps=25):
        self.rng = np.random.default_rng(seed)
        self.w, self.h, self.fps = width, height, fps
        self.base = clutter(self.rng, background(self.rng, width, height), int(self.rng.integers(5, 25)))
        self.blur = self.rng.uniform(0, 1.0) * frame_scale(width, height)
        self.gain_phase = self.rng.uniform(0, 2 * math.pi)
        self.target = int(self.rng.integers(5, MAX_OBJECTS + 1))
        # Identities for tracking ground truth: a plain counter, never drawn from rng, so adding them left
        # every pixel and box of the shipped videos as it was (the same seed still gives the same video).
        self._next_id = 1
        self.objects = []
        for _ in range(self.target):
            self.objects.append(self._new_object(entering=False))
        self.t = 0

    def _new_object(self, entering):
        rng = self.rng
        o = random_object(rng)
        o["id"] = self._next_id
        self._next_id += 1
        speed = rng.uniform(0.5, 6.0)
        a = rng.uniform(0, 2 * math.pi)
        o["vx"], o["vy"] = speed * math.cos(a), speed * math.sin(a)
        o["va"] = rng.uniform(-0.04, 0.04)
        o["vs"] = rng.uniform(-0.006, 0.006)
        o["life"] = int(rng.integers(50, 400))
        o["leaving"] = False
        if entering:  # start just outside a random edge, heading in
            r = o["size"] / 2
            edge = rng.integers(0, 4)
            if edge == 0:
                o["cx"], o["vx"] = -r, abs(o["vx"]) + 0.5
            elif edge == 1:
                o["cx"], o["vx"] = REF_W + r, -abs(o["vx"]) - 0.5
            elif edge == 2:
                o["cy"], o["vy"] = -r, abs(o["vy"]) + 0.5
            else:
                o["cy"], o["vy"] = REF_H + r, -abs(o["vy"]) - 0.5
        # Colour against the average background along the frame, since the object will travel.
        o["color"] = contrasting_color(rng, self.base.reshape(-1, 3).mean(axis=0).astype(np.float32)
                                       if rng.random() < 0.3 else self._bg_at(o))
        return o

    def _bg_at(self, o):
        s = frame_scale(self.w, self.h)
        x, y = int(np.clip(o["cx"] * s, 0, self.w - 1)), int(np.clip(o["cy"] * s, 0, self.h - 1))
        r = max(4, int(o["size"] * s))
        patch = self.base[max(0, y - r):y + r, max(0, x - r):x + r]
        return patch.reshape(-1, 3).mean(axis=0).astype(np.float32)

    def _step(self):
        rng = self.rng
        keep = []
        for o in self.objects:
            o["cx"] += o["vx"]
            o["cy"] += o["vy"]
            o["angle"] += o["va"]
            o["size"] *= 1 + o["vs"]
            if not MIN_SIZE <= o["size"] <= MAX_SIZE:
                o["size"] = float(np.clip(o["size"], MIN_SIZE, MAX_SIZE))
                o["vs"] = -o["vs"]
            o["life"] -= 1
            if o["life"] <= 0:
                o["leaving"] = True
            r = o["size"] / 2
            inside_x = r <= o["cx"] <= REF_W - r
            inside_y = r <= o["cy"] <= REF_H - r
            if not o["leaving"]:
                # Bounce only once fully inside, so entering objects can get in.
                if o.get("entered") and not inside_x:
                    o["vx"] = abs(o["vx"]) if o["cx"] < r else -abs(o["vx"])
                if o.get("entered") and not inside_y:
                    o["vy"] = abs(o["vy"]) if o["cy"] < r else -abs(o["vy"])
                if inside_x and inside_y:
                    o["entered"] = True
            gone = (o["cx"] < -r * 2 or o["cx"] > REF_W + 2 * r or o["cy"] < -2 * r or o["cy"] > REF_H + 2 * r)
            if not gone:
                keep.append(o)
        self.objects = keep
        if rng.random() < 0.01:
            self.target = int(np.clip(self.target + rng.integers(-3, 4), 0, MAX_OBJECTS))
        if len(self.objects) < self.target and rng.random() < 0.05:
            self.objects.append(self._new_object(entering=True))

    def frame(self):
        """Render the current frame and advance. Returns (BGR image, ground truth like generate_image with the
        object's identity appended: (class id, label, box, id)). An id is never reused within a video; an object
        hidden for some frames (under 60 % visible) is absent from those frames' ground truth and keeps its id."""
        img = self.base.copy()
        drawn = composite(img, self.objects)
        gain = 1 + 0.08 * math.sin(self.gain_phase + self.t / (self.fps * 4.0))
        f = img.astype(np.float32) * gain
        if self.blur > 0.3:
            f = cv2.GaussianBlur(f, (0, 0), self.blur)
        img = np.clip(f, 0, 255).astype(np.uint8)
        self.t += 1
        self._step()
        return img, [(o["cls"], LABELS[o["cls"]], box, o["id"]) for o, box in drawn]



# -------------------------------------------------------------------------------------------- writers
def gt_json_line(index, w, h, gt):
    """One ground-truth line (models/README.md); objects of a video carry their identity as "id"."""
    objs = []
    for c, l, b, *ident in gt:
        o = {"classId": c, "label": l, "box": {"x1": b[0], "y1": b[1], "x2": b[2], "y2": b[3]}}
        if ident:
            o["id"] = ident[0]
        objs.append(o)
    return json.dumps({"frameIndex": index, "width": w, "height": h, "objects": objs}, separators=(",", ":"))


def write_video(path, seed, seconds, width=REF_W, height=REF_H, fps=25, crf=28, preset="slow"):
    """H.264 mp4 via ffmpeg (raw BGR frames on stdin) plus <name>.gt.jsonl beside it."""
    gt_path = os.path.splitext(path)[0] + ".gt.jsonl"
    cmd = ["ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s",
           f"{width}x{height}", "-r", str(fps), "-i", "-", "-c:v", "libx264", "-preset", preset, "-crf",
           str(crf), "-pix_fmt", "yuv420p", "-g", str(2 * fps), "-movflags", "+faststart", path]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    scene = VideoScene(seed, width, height, fps)
    with open(gt_path, "w") as f:
        for i in range(int(seconds * fps)):
            img, gt = scene.frame()
            proc.stdin.write(img.tobytes())
            f.write(gt_json_line(i, width, height, gt) + "\n")
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError("ffmpeg failed")
    return path, gt_path


def write_images(out_dir, seed, count, width=REF_W, height=REF_H):
    """JPEG images + one VOC XML per image (Annotations/) + a COCO JSON (annotations.json)."""
    img_dir = os.path.join(out_dir, "JPEGImages")
    ann_dir = os.path.join(out_dir, "Annotations")
    set_dir = os.path.join(out_dir, "ImageSets", "Main")
    for d in (img_dir, ann_dir, set_dir):
        os.makedirs(d, exist_ok=True)
    coco = {"images": [], "annotations": [],
            "categories": [{"id": i, "name": n} for i, n in enumerate(LABELS) if i > 0]}
    names = []
    for k in range(count):
        img, gt = generate_image(seed * 1_000_003 + k, width, height)
        name = f"{seed}_{k:06d}"
        names.append(name)
        cv2.imwrite(os.path.join(img_dir, name + ".jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 95])
        root = ET.Element("annotation")
        ET.SubElement(root, "filename").text = name + ".jpg"
        size = ET.SubElement(root, "size")
        for tag, v in (("width", width), ("height", height), ("depth", 3)):
            ET.SubElement(size, tag).text = str(v)
        coco["images"].append({"id": k, "file_name": "JPEGImages/" + name + ".jpg", "width": width,
                               "height": height})
        for c, label, (x1, y1, x2, y2) in gt:
            o = ET.SubElement(root, "object")
            ET.SubElement(o, "name").text = label
            ET.SubElement(o, "difficult").text = "0"
            bb = ET.SubElement(o, "bndbox")
            # VOC boxes are 1-based inclusive pixel indices.
            for tag, v in (("xmin", x1 + 1), ("ymin", y1 + 1), ("xmax", x2), ("ymax", y2)):
                ET.SubElement(bb, tag).text = str(int(v))
            coco["annotations"].append({"id": len(coco["annotations"]) + 1, "image_id": k, "category_id": c,
                                        "bbox": [x1, y1, x2 - x1, y2 - y1], "area": (x2 - x1) * (y2 - y1),
                                        "iscrowd": 0})
        ET.ElementTree(root).write(os.path.join(ann_dir, name + ".xml"))
    with open(os.path.join(set_dir, "trainval.txt"), "w") as f:
        f.write("\n".join(names) + "\n")
    with open(os.path.join(out_dir, "annotations.json"), "w") as f:
        json.dump(coco, f)


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="python3 -m refinedet.synthetic",
        description="Generate synthetic shape scenes (circle, square, triangle, star, cross, ring). "
                    "The same seed always produces the same output.")
    sub = p.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("video", help="H.264 mp4 + per-frame ground truth <name>.gt.jsonl")
    v.add_argument("output", help="output .mp4 path")
    v.add_argument("--seed", type=int, required=True)
    v.add_argument("--seconds", type=float, default=10)
    v.add_argument("--width", type=int, default=REF_W)
    v.add_argument("--height", type=int, default=REF_H)
    v.add_argument("--fps", type=int, default=25)
    v.add_argument("--crf", type=int, default=28, help="x264 quality (higher = smaller file)")
    i = sub.add_parser("images", help="JPEG images with VOC XML (Annotations/) and COCO JSON annotations")
    i.add_argument("output", help="output folder (VOC layout; also annotations.json in COCO format)")
    i.add_argument("--seed", type=int, required=True)
    i.add_argument("--count", type=int, default=100)
    i.add_argument("--width", type=int, default=REF_W)
    i.add_argument("--height", type=int, default=REF_H)
    a = p.parse_args(argv)
    if a.cmd == "video":
        write_video(a.output, a.seed, a.seconds, a.width, a.height, a.fps, a.crf)
    else:
        write_images(a.output, a.seed, a.count, a.width, a.height)
    return 0


if __name__ == "__main__":
    sys.exit(main())
