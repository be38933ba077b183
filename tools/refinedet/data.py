"""Training data: on-the-fly synthetic scenes, VOC and COCO folders, and SSD-style augmentation.

Every sample comes out as (float32 CHW tensor, [n,5] tensor of normalized x1,y1,x2,y2 and class id >= 1).
The tensor is made by network_input.network_input, the one definition of the input that the C# engine
implements bit for bit (uint8 cv2 INTER_LINEAR resize, then float32 minus MEAN_BGR).
"""
import json
import math
import os
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import torch
from torch.utils.data import Dataset, IterableDataset, get_worker_info

from . import synthetic
from .network_input import network_input

MEAN_BGR = (104.0, 117.0, 123.0)


# ------------------------------------------------------------------------------------- augmentation
def photometric_distort(rng, img):
    """Brightness, contrast, saturation and hue jitter, each with probability 1/2 (SSD recipe)."""
    f = img.astype(np.float32)
    if rng.random() < 0.5:
        f += rng.uniform(-32, 32)
    contrast_first = rng.random() < 0.5
    if contrast_first and rng.random() < 0.5:
        f *= rng.uniform(0.6, 1.4)
    if rng.random() < 0.5 or rng.random() < 0.5:
        hsv = cv2.cvtColor(np.clip(f, 0, 255).astype(np.uint8), cv2.COLOR_BGR2HSV).astype(np.float32)
        hsv[..., 1] *= rng.uniform(0.6, 1.4)
        hsv[..., 0] = (hsv[..., 0] + rng.uniform(-9, 9)) % 180
        f = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2BGR).astype(np.float32)
    if not contrast_first and rng.random() < 0.5:
        f *= rng.uniform(0.6, 1.4)
    return np.clip(f, 0, 255).astype(np.uint8)


def expand(rng, img, boxes, max_ratio):
    """Place the image on a larger mean-filled canvas (zoom out), boxes in pixels."""
    h, w = img.shape[:2]
    r = rng.uniform(1, max_ratio)
    H, W = int(h * r), int(w * r)
    top, left = int(rng.uniform(0, H - h)), int(rng.uniform(0, W - w))
    canvas = np.empty((H, W, 3), np.uint8)
    canvas[:] = np.array(MEAN_BGR, np.uint8)
    canvas[top:top + h, left:left + w] = img
    return canvas, boxes + np.array([left, top, left, top], np.float32)


def _iou_np(a, b):
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(-1)
    aa = (a[:, 2:] - a[:, :2]).prod(-1)
    ab = (b[:, 2:] - b[:, :2]).prod(-1)
    return inter / (aa[:, None] + ab[None, :] - inter + 1e-9)


def random_crop(rng, img, boxes, labels):
    """SSD random crop: a patch whose IoU with some box is above a random minimum; boxes whose centre
    falls inside are kept (clipped). Returns inputs unchanged when no valid patch is found."""
    h, w = img.shape[:2]
    min_iou = rng.choice([0.1, 0.3, 0.5, 0.7, 0.9, -1.0])
    for _ in range(30):
        cw, ch = rng.uniform(0.3 * w, w), rng.uniform(0.3 * h, h)
        if not 0.5 <= (cw / ch) / (w / h) <= 2:
            continue
        x0, y0 = int(rng.uniform(0, w - cw)), int(rng.uniform(0, h - ch))
        cw, ch = int(cw), int(ch)
        rect = np.array([x0, y0, x0 + cw, y0 + ch], np.float32)
        if len(boxes):
            if _iou_np(boxes, rect[None]).max() < min_iou:
                continue
            centres = (boxes[:, :2] + boxes[:, 2:]) / 2
            keep = ((centres > rect[:2]) & (centres < rect[2:])).all(1)
            if not keep.any():
                continue
            nb = boxes[keep].copy()
            nb[:, :2] = np.maximum(nb[:, :2], rect[:2])
            nb[:, 2:] = np.minimum(nb[:, 2:], rect[2:])
            nb -= np.tile(rect[:2], 2)
            nl = labels[keep]
        else:
            nb, nl = boxes, labels
        return img[y0:y0 + ch, x0:x0 + cw], nb, nl
    return img, boxes, labels


class Augment:
    """Training pipeline: photometric distortion, expand, random crop, horizontal flip, resize.

    The defaults are the SSD recipe for natural-image datasets; SyntheticStream lowers the expand/crop
    probabilities because its scenes already span the size range the model will see.
    """

    def __init__(self, size, expand_p=0.5, max_expand=4.0, crop_p=0.8):
        self.size = size
        self.expand_p, self.max_expand, self.crop_p = expand_p, max_expand, crop_p

    def __call__(self, rng, img, boxes, labels):
        if rng.random() < self.expand_p:
            img, boxes = expand(rng, img, boxes, self.max_expand)
        if rng.random() < self.crop_p:
            img, boxes, labels = random_crop(rng, img, boxes, labels)
        h, w = img.shape[:2]
        if rng.random() < 0.5:
            img = img[:, ::-1]
            if len(boxes):
                boxes = boxes.copy()
                boxes[:, [0, 2]] = w - boxes[:, [2, 0]]
        interp = cv2.INTER_LINEAR if rng.random() < 0.7 else cv2.INTER_AREA
        # Colour jitter after the resize: identical effect, a fraction of the pixels to touch.
        small = cv2.resize(np.ascontiguousarray(img), (self.size, self.size), interpolation=interp)
        small = photometric_distort(rng, small)
        boxes = boxes * np.array([self.size / w, self.size / h] * 2, np.float32) if len(boxes) else boxes
        return to_sample(small, boxes, labels, self.size)


def preprocess(img, size):
    """BGR uint8 frame -> float32 CHW torch tensor for our models (size x size, BGR, minus MEAN_BGR, std 1):
    network_input, the definition of the input the C# engine shares."""
    return torch.from_numpy(network_input(img, size, size, MEAN_BGR))


def to_sample(img, boxes, labels, size):
    h, w = img.shape[:2]
    x = preprocess(img, size)
    if len(boxes):
        nb = boxes / np.array([w, h, w, h], np.float32)
        nb = np.clip(nb, 0, 1)
        ok = ((nb[:, 2] - nb[:, 0]) * size >= 1.5) & ((nb[:, 3] - nb[:, 1]) * size >= 1.5)
        t = np.concatenate([nb[ok], labels[ok, None].astype(np.float32)], 1)
    else:
        t = np.zeros((0, 5), np.float32)
    return x, torch.from_numpy(t.astype(np.float32))


def collate(batch):
    return torch.stack([b[0] for b in batch]), [b[1] for b in batch]


# ------------------------------------------------------------------------------------------- sources
class SyntheticStream(IterableDataset):
    """Endless synthetic scenes. Sample k uses seed (base_seed, k), so a resumed run continues with new
    scenes instead of repeating the ones it has seen. Workers take interleaved k."""

    def __init__(self, size, base_seed=1, start=0, views=2):
        self.size, self.base_seed, self.start, self.views = size, base_seed, start, views
        # Zooming out further than 1.5x would push objects below the 16 px minimum the data defines.
        self.augment = Augment(size, expand_p=0.15, max_expand=1.5, crop_p=0.3)

    def __iter__(self):
        info = get_worker_info()
        wid, nw = (info.id, info.num_workers) if info else (0, 1)
        k = self.start + wid
        while True:
            rng = np.random.default_rng([self.base_seed, k])
            # Mostly half-resolution scenes (cheap); some at 3/4 so that the downscale the engine does
            # from 1280x720 is represented too.
            w, h = (640, 360) if rng.random() < 0.85 else (960, 540)
            img, gt = synthetic.generate_image([self.base_seed, k], w, h)
            boxes = np.array([g[2] for g in gt], np.float32).reshape(-1, 4)
            labels = np.array([g[0] for g in gt], np.int64)
            # Two differently augmented views per scene: rendering costs about as much as a training
            # step on two cores, so this nearly halves the data cost for a small loss of variety.
            for _ in range(self.views):
                yield self.augment(rng, img, boxes, labels)
            k += nw


class DetectionFolder(Dataset):
    """Common base for VOC/COCO: items are (image path, boxes [n,4] pixels, labels [n])."""

    def __init__(self, items, labels, size):
        self.items, self.labels, self.size = items, labels, size
        self.augment = Augment(size)
        self.epoch_seed = 0

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        path, boxes, labels = self.items[i]
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None:
            raise IOError(f"cannot read image {path}")
        rng = np.random.default_rng()
        return self.augment(rng, img, boxes.copy(), labels.copy())


def load_voc(root, size, split="trainval"):
    """VOC layout: root/Annotations/*.xml, root/JPEGImages/, optional root/ImageSets/Main/<split>.txt.
    Class names are taken from the annotations (sorted) unless they are our synthetic labels."""
    ann_dir = os.path.join(root, "Annotations")
    list_file = os.path.join(root, "ImageSets", "Main", split + ".txt")
    if os.path.exists(list_file):
        ids = [l.strip() for l in open(list_file) if l.strip()]
    else:
        ids = sorted(os.path.splitext(f)[0] for f in os.listdir(ann_dir) if f.endswith(".xml"))
    records, names = [], set()
    for i in ids:
        tree = ET.parse(os.path.join(ann_dir, i + ".xml")).getroot()
        fn = tree.findtext("filename") or (i + ".jpg")
        objs = []
        for o in tree.iter("object"):
            if o.findtext("difficult", "0").strip() == "1":
                continue
            bb = o.find("bndbox")
            # VOC pixel indices are 1-based and inclusive.
            b = [float(bb.findtext(t)) for t in ("xmin", "ymin", "xmax", "ymax")]
            objs.append((o.findtext("name").strip(), [b[0] - 1, b[1] - 1, b[2], b[3]]))
            names.add(objs[-1][0])
        records.append((os.path.join(root, "JPEGImages", fn), objs))
    labels = synthetic.LABELS if names <= set(synthetic.LABELS) else ["background"] + sorted(names)
    index = {n: k for k, n in enumerate(labels)}
    items = [(p, np.array([b for _, b in objs], np.float32).reshape(-1, 4),
              np.array([index[n] for n, _ in objs], np.int64)) for p, objs in records]
    return DetectionFolder(items, labels, size)


def load_coco(ann_file, size, image_dir=None):
    """COCO detection JSON; file_name is resolved against image_dir, the JSON's folder, or its images/."""
    data = json.load(open(ann_file))
    base = os.path.dirname(os.path.abspath(ann_file))
    cats = sorted(data["categories"], key=lambda c: c["id"])
    labels = ["background"] + [c["name"] for c in cats]
    cat_index = {c["id"]: k + 1 for k, c in enumerate(cats)}
    per_image = {}
    for a in data["annotations"]:
        if a.get("iscrowd", 0):
            continue
        x, y, w, h = a["bbox"]
        if w < 1 or h < 1:
            continue
        per_image.setdefault(a["image_id"], []).append(([x, y, x + w, y + h], cat_index[a["category_id"]]))
    items = []
    for im in data["images"]:
        cands = [os.path.join(d, im["file_name"]) for d in (image_dir, base, os.path.join(base, "images")) if d]
        path = next((c for c in cands if os.path.exists(c)), cands[0])
        objs = per_image.get(im["id"], [])
        items.append((path, np.array([b for b, _ in objs], np.float32).reshape(-1, 4),
                      np.array([c for _, c in objs], np.int64)))
    return DetectionFolder(items, labels, size)
