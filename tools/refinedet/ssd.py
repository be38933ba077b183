"""SSD (Liu et al., ECCV 2016), the single-stage sibling of RefineDet: one head per source layer regresses and
classifies the priors directly (no anchor refinement module). This module holds the SSD300/SSD512 prior layouts,
a small SSD network for tests, its ONNX export (raw loc + conf, or fused: decode + NMS in the graph, the same NMS
tail as RefineDet's) and a reference Detect in numpy that the C# engine's decode is tested against.

  cd tools && /usr/bin/python3 -m refinedet.ssd export --layout ssd300 --out /tmp/ssd --seed 1
  cd tools && /usr/bin/python3 -m refinedet.ssd golden ../Tests/Data

`export` writes <name>.onnx (raw) and <name>-fused.onnx with their `va.` metadata (random weights unless
--checkpoint is given: the point is the format, not accuracy). `golden` writes the test fixture of
Tests/Inference/SsdTests.cs: a tiny SSD300-layout model, a frame, that frame's raw head outputs and the reference
detections computed from them here.
"""
import argparse
import base64
import json
import math
import os
import sys
import tempfile

import numpy as np
import onnx
import torch
import torch.nn as nn

from . import export
from .box_utils import center_to_corner, decode
from .evaluate import KEEP_TOP_K, NMS_IOU, SCORE_THRESHOLD, TOP_K_PER_CLASS
from .priors import anchors_per_location, prior_boxes

# The prior layouts of the SSD paper's released configurations (ssd_pascal.py / ssd_pascal_512.py), with the
# anchors clamped to [0,1] as the widely used PyTorch port (ssd.pytorch) does; the Caffe original leaves them
# unclipped (set priors.clip false for weights trained there). Sizes are in input pixels.
SSD_LAYOUTS = {
    "ssd300": dict(size=300, feature_maps=[38, 19, 10, 5, 3, 1], steps=[8, 16, 32, 64, 100, 300],
                   min_sizes=[30, 60, 111, 162, 213, 264], max_sizes=[60, 111, 162, 213, 264, 315],
                   aspect_ratios=[[2], [2, 3], [2, 3], [2, 3], [2], [2]], variance=[0.1, 0.2], clip=True),
    "ssd512": dict(size=512, feature_maps=[64, 32, 16, 8, 4, 2, 1], steps=[8, 16, 32, 64, 128, 256, 512],
                   min_sizes=[35.84, 76.8, 153.6, 230.4, 307.2, 384.0, 460.8],
                   max_sizes=[76.8, 153.6, 230.4, 307.2, 384.0, 460.8, 537.6],
                   aspect_ratios=[[2], [2, 3], [2, 3], [2, 3], [2, 3], [2], [2]], variance=[0.1, 0.2], clip=True),
}

# ssd.pytorch (and the RefineDet port built on it) subtracts the BGR mean (104,117,123) and then swaps to RGB:
# the network sees RGB minus (123,117,104).
PORT_CHANNEL_ORDER = "RGB"
PORT_MEAN = [123, 117, 104]


def _stage(cin, cout, size_in, size_out):
    """One conv that takes a size_in map to size_out: stride 2 halves (rounding up), an unpadded 3x3 takes 2 off
    (SSD300's 5 -> 3 -> 1 extras)."""
    if size_out == (size_in + 1) // 2:
        conv = nn.Conv2d(cin, cout, 3, stride=2, padding=1)
    elif size_out == size_in - 2:
        conv = nn.Conv2d(cin, cout, 3, stride=1, padding=0)
    else:
        raise ValueError(f"no single conv takes a {size_in} map to {size_out}")
    return nn.Sequential(conv, nn.ReLU(inplace=True))


class TinySsd(nn.Module):
    """A narrow SSD with the source-layer sizes of a layout: a stride-2 stem down to the first feature map, one
    conv per further source layer, and per source layer a 3x3 loc head (A*4) and conf head (A*C), flattened like
    ssd.pytorch (NHWC, then anchors, then coordinates/classes). forward() returns (loc, conf logits)."""

    def __init__(self, layout, num_classes, width=8):
        super().__init__()
        fm = layout["feature_maps"]
        stem, size, cin = [], layout["size"], 3
        while size > fm[0]:
            stem.append(_stage(cin, width, size, (size + 1) // 2))
            size, cin = (size + 1) // 2, width
        if size != fm[0]:
            raise ValueError(f"stride-2 stem reaches {size}, not the first feature map {fm[0]}")
        self.stem = nn.Sequential(*stem)
        self.stages = nn.ModuleList(_stage(width, width, fm[k - 1], fm[k]) for k in range(1, len(fm)))
        anchors = [anchors_per_location(layout, k) for k in range(len(fm))]
        self.num_classes = num_classes
        self.loc = nn.ModuleList(nn.Conv2d(width, a * 4, 3, padding=1) for a in anchors)
        self.conf = nn.ModuleList(nn.Conv2d(width, a * num_classes, 3, padding=1) for a in anchors)

    def forward(self, x):
        sources = [self.stem(x)]
        for stage in self.stages:
            sources.append(stage(sources[-1]))
        flat = lambda t, k: t.permute(0, 2, 3, 1).reshape(t.shape[0], -1, k)
        loc = torch.cat([flat(h(s), 4) for h, s in zip(self.loc, sources)], 1)
        conf = torch.cat([flat(h(s), self.num_classes) for h, s in zip(self.conf, sources)], 1)
        return loc, conf


class SoftmaxSsd(nn.Module):
    """The exported raw contract: loc as is, conf softmaxed over classes."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        loc, conf = self.net(x)
        return loc, torch.softmax(conf, -1)


class SsdPreNms(nn.Module):
    """Network + one-step decode, up to the inputs of the shared NMS tail (export.append_nms): boxes [B,P,4]
    corner form clamped to [0,1], scores [B,C-1,P] with the background dropped."""

    def __init__(self, net, priors, variance):
        super().__init__()
        self.net = SoftmaxSsd(net)
        self.register_buffer("priors", priors.unsqueeze(0))
        self.variance = variance

    def forward(self, x):
        loc, conf = self.net(x)
        boxes = center_to_corner(decode(loc, self.priors, self.variance))
        boxes = 1 - torch.relu(1 - torch.relu(boxes))  # clamp(0,1) as export.pre_nms writes it
        return boxes, conf[..., 1:].transpose(1, 2)


def metadata(layout, labels, name, form, channel_order=PORT_CHANNEL_ORDER, mean=PORT_MEAN):
    meta = {
        "va.name": name,
        "va.arch": "ssd",
        "va.labels": json.dumps(labels),
        "va.input.width": str(layout["size"]),
        "va.input.height": str(layout["size"]),
        "va.input.channel_order": channel_order,
        "va.input.mean": json.dumps(mean),
        "va.input.std": json.dumps([1, 1, 1]),
        "va.priors.feature_maps": json.dumps(layout["feature_maps"]),
        "va.priors.steps": json.dumps(layout["steps"]),
        "va.priors.min_sizes": json.dumps(layout["min_sizes"]),
        "va.priors.max_sizes": json.dumps(layout["max_sizes"]),
        "va.priors.aspect_ratios": json.dumps(layout["aspect_ratios"]),
        "va.priors.variance": json.dumps(layout["variance"]),
        "va.priors.clip": "true" if layout["clip"] else "false",
        "va.output.form": form,
        "va.output.scores": "softmax",
        **export.postprocess_metadata(None),
    }
    return meta


def network_input(frame_bgr, size, channel_order=PORT_CHANNEL_ORDER, mean=PORT_MEAN):
    """The engine's input for a frame already at the network size (no resize): channel order, then mean. NCHW."""
    assert frame_bgr.shape[:2] == (size, size), "golden frames are taken at the network size: no resize involved"
    img = frame_bgr.astype(np.float32)
    if channel_order == "RGB":
        img = img[..., ::-1]
    img = img - np.asarray(mean, np.float32)
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None]


def export_models(net, layout, labels, name, out):
    """Writes <out>/<name>.onnx (raw: loc, conf) and <out>/<name>-fused.onnx (detections [N,7]); returns the paths."""
    os.makedirs(out, exist_ok=True)
    raw_path = os.path.join(out, name + ".onnx")
    fused_path = os.path.join(out, name + "-fused.onnx")
    x = torch.zeros(1, 3, layout["size"], layout["size"])
    torch.onnx.export(SoftmaxSsd(net).eval(), x, raw_path, opset_version=export.OPSET, input_names=["images"],
                      output_names=["loc", "conf"],
                      dynamic_axes={"images": {0: "batch"}, "loc": {0: "batch"}, "conf": {0: "batch"}},
                      do_constant_folding=True)
    m = onnx.load(raw_path)
    export.set_metadata(m, metadata(layout, labels, name, "raw"))
    onnx.save(m, raw_path)
    priors = prior_boxes(layout)
    with tempfile.TemporaryDirectory() as tmp:
        pre_path = os.path.join(tmp, "pre.onnx")
        torch.onnx.export(SsdPreNms(net, priors, tuple(layout["variance"])).eval(), x, pre_path,
                          opset_version=export.OPSET, input_names=["images"], output_names=["nms_boxes", "nms_scores"],
                          dynamic_axes={"images": {0: "batch"}, "nms_boxes": {0: "batch"}, "nms_scores": {0: "batch"}},
                          do_constant_folding=True)
        m = export.append_nms(onnx.load(pre_path), priors.shape[0])
    export.set_metadata(m, metadata(layout, labels, name, "fused"))
    onnx.save(m, fused_path)
    for path in (raw_path, fused_path):
        onnx.checker.check_model(onnx.load(path), full_check=True)
    return raw_path, fused_path


# ------------------------------------------------------------------------------ reference Detect (numpy)
def reference_detect(loc, conf, priors, variance, frame_w, frame_h, confidence=SCORE_THRESHOLD, nms_iou=NMS_IOU,
                     top_k=TOP_K_PER_CLASS, keep_top_k=KEEP_TOP_K, clip=True):
    """SSD's Detect for one image, written from the paper's description in float32 numpy: decode every prior once
    with the variances, then per class: scores > confidence, the top_k highest, greedy NMS (a box is dropped when
    its IoU with a kept box of its class exceeds nms_iou); then all classes' survivors by descending score, the
    first keep_top_k, scaled to the frame and (clip) clamped to it. Returns rows (class, score, x1, y1, x2, y2)."""
    loc = np.asarray(loc, np.float32)
    conf = np.asarray(conf, np.float32)
    p = np.asarray(priors, np.float32)
    v0, v1 = np.float32(variance[0]), np.float32(variance[1])
    cx = p[:, 0] + loc[:, 0] * v0 * p[:, 2]
    cy = p[:, 1] + loc[:, 1] * v0 * p[:, 3]
    w = p[:, 2] * np.exp(loc[:, 2] * v1)
    h = p[:, 3] * np.exp(loc[:, 3] * v1)
    half = np.float32(0.5)
    boxes = np.stack([cx - w * half, cy - h * half, cx + w * half, cy + h * half], 1).astype(np.float32)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    rows = []
    for c in range(1, conf.shape[1]):
        s = conf[:, c]
        idx = np.nonzero(s > np.float32(confidence))[0]
        order = idx[np.argsort(-s[idx], kind="stable")][:top_k]
        kept = []
        for i in order:
            if kept:
                k = np.asarray(kept)
                iw = np.minimum(boxes[i, 2], boxes[k, 2]) - np.maximum(boxes[i, 0], boxes[k, 0])
                ih = np.minimum(boxes[i, 3], boxes[k, 3]) - np.maximum(boxes[i, 1], boxes[k, 1])
                inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
                union = area[i] + area[k] - inter
                if np.any((inter > 0) & (inter > np.float32(nms_iou) * union)):
                    continue
            kept.append(i)
        rows += [(c, float(s[i]), i) for i in kept]
    rows.sort(key=lambda r: -r[1])
    out = []
    scale = np.array([frame_w, frame_h, frame_w, frame_h], np.float32)
    for c, score, i in rows[:keep_top_k]:
        b = boxes[i] * scale
        if clip:
            b = np.minimum(np.maximum(b, 0), scale)
        out.append([c, score, *[float(v) for v in b]])
    return out


def fused_reference(boxes, scores, frame_w, frame_h, confidence=SCORE_THRESHOLD, keep_top_k=KEEP_TOP_K):
    """What the engine should report for a fused SSD: the NMS tail's rows (export.run_tail_numpy over the pre-NMS
    tensors), then the engine's confidence filter, keep-top-k and scaling. Rows (class, score, x1, y1, x2, y2)."""
    rows = export.run_tail_numpy(boxes, scores)
    rows = rows[rows[:, 2] > confidence]
    rows = export.keep_top_per_image(rows, keep_top_k) if len(rows) else rows
    rows = rows[np.argsort(-rows[:, 2], kind="stable")]
    scale = np.array([frame_w, frame_h, frame_w, frame_h], np.float32)
    return [[int(r[1]), float(r[2]), *[float(v) for v in r[3:] * scale]] for r in rows]


def tiny_net(layout, num_classes, seed):
    """Random weights with a conf head scaled up so that softmax scores spread over (0,1) instead of all sitting
    near 1/C: decisions then depend on the scores, which is what a decode test has to exercise."""
    torch.manual_seed(seed)
    net = TinySsd(layout, num_classes).eval()
    with torch.no_grad():
        for head in net.conf:
            head.weight.mul_(1.5)
    return net


def _b64(array):
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")


def golden(out, seed=2016):
    """The fixture of Tests/Inference/SsdTests.cs (see the module docstring)."""
    from . import synthetic
    layout = SSD_LAYOUTS["ssd300"]
    labels = ["background", "circle", "square", "triangle"]
    net = tiny_net(layout, len(labels), seed)
    raw_path, fused_path = export_models(net, layout, labels, "ssd-tiny", out)
    size = layout["size"]
    frame, _ = synthetic.generate_image(seed, width=size, height=size)
    x = network_input(frame, size)
    priors = prior_boxes(layout)
    with torch.no_grad():
        loc, conf = (t[0].numpy() for t in SoftmaxSsd(net)(x))
        boxes, scores = (t.numpy() for t in SsdPreNms(net, priors, tuple(layout["variance"]))(x))
    fixture = {
        "model": os.path.basename(raw_path),
        "fused_model": os.path.basename(fused_path),
        "width": size,
        "height": size,
        "frame_bgr": base64.b64encode(np.ascontiguousarray(frame).tobytes()).decode("ascii"),
        "priors": int(priors.shape[0]),
        "classes": len(labels),
        "loc": _b64(loc),
        "conf": _b64(conf),
        "reference": reference_detect(loc, conf, priors.numpy(), layout["variance"], size, size),
        "fused_reference": fused_reference(boxes, scores, size, size),
    }
    path = os.path.join(out, "ssd-tiny.golden.json")
    with open(path, "w") as f:
        json.dump(fixture, f)
    return raw_path, fused_path, path, fixture


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m refinedet.ssd", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("export", help="export a small random-weight SSD (raw and fused) with its va. metadata")
    e.add_argument("--layout", choices=sorted(SSD_LAYOUTS), default="ssd300")
    e.add_argument("--classes", type=int, default=21, help="classes including background")
    e.add_argument("--seed", type=int, default=1)
    e.add_argument("--name")
    e.add_argument("--out", required=True)
    g = sub.add_parser("golden", help="write the SSD decode fixture of the C# tests")
    g.add_argument("out")
    a = p.parse_args(argv)
    torch.set_num_threads(2)
    if a.command == "export":
        layout = SSD_LAYOUTS[a.layout]
        labels = ["background"] + [f"class{k}" for k in range(1, a.classes)]
        paths = export_models(tiny_net(layout, a.classes, a.seed), layout, labels, a.name or f"{a.layout}-tiny", a.out)
    else:
        paths = golden(a.out)[:3]
    for path in paths:
        print(f"wrote {path} ({os.path.getsize(path) / 1e3:.0f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
