"""Worked example of tools/refinedet/README.md "Bring your own RefineDet": export a RefineDet defined and trained
the way the widely used PyTorch port does it, with a sidecar that makes the engine see exactly what the port's
training code fed the network.

  cd tools && /usr/bin/python3 -m refinedet.thirdparty --out /tmp/byo            # RefineDet320 layout, VGG16
  cd .. && dotnet Gateway/bin/Release/net10.0/VideoAnalytics.Gateway.dll check-model /tmp/byo/refinedet-port-320.onnx
  cd tools && /usr/bin/python3 -m refinedet.thirdparty --tiny --fixture ../Tests/Data   # the C# test's fixture

The network here is this folder's RefineDet with random weights, standing in for the port's (same heads, same
anchor order, forward() returning the four train-phase head tensors as logits); with the port's own code you build
its network, load its .pth and export the same way (see the README). The file carries no `va.` metadata, like
any model exported elsewhere: the sidecar beside it is the whole description.

--tiny builds the network the way the port's own code does (PortRefineDet: its module lists and forward()) at a
thirty-second of the widths, and --fixture writes it with demo frames and the detections of the port's test-phase
Detect (port_detect) for Tests/Gateway/ThirdPartyDetectTests.cs, which serves it through /api/detect.
"""
import argparse
import json
import os
import sys

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .evaluate import FILTER_THRESHOLD, KEEP_TOP_K, NMS_IOU, SCORE_THRESHOLD, TOP_K_PER_CLASS
from .model import L2Norm, RefineDet, SoftmaxOutputs
from .network_input import network_input
from .priors import PRIOR_CONFIGS, prior_boxes

VOC_LABELS = ["background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
              "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train",
              "tvmonitor"]

# The port's transform (from ssd.pytorch): resize, subtract the *BGR* mean from the BGR image, then reorder the
# channels to RGB. So the network sees RGB minus (123, 117, 104): that, not "BGR minus (104, 117, 123)", is what
# the sidecar must say.
PORT_MEAN_BGR = (104.0, 117.0, 123.0)
SIDECAR_CHANNEL_ORDER = "RGB"
SIDECAR_MEAN = [123, 117, 104]


def port_transform(image_bgr, size):
    """The port's test-time input for one BGR uint8 image: HWC float32 resized, minus the BGR mean, to RGB; NCHW."""
    x = cv2.resize(image_bgr, (size, size)).astype(np.float32)
    x -= np.array(PORT_MEAN_BGR, np.float32)
    x = x[:, :, (2, 1, 0)]
    return torch.from_numpy(np.ascontiguousarray(x)).permute(2, 0, 1)[None]


def described_input(image_bgr, description):
    """What a model description asks for (models/README.md): the BGR frame resized (OpenCV bilinear on the uint8
    image), channels in the description's order, minus its mean, divided by its std (both in that order). NCHW."""
    w, h = description["input.width"], description["input.height"]
    x = cv2.resize(image_bgr, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    if description.get("input.channel_order", "BGR").upper() == "RGB":
        x = x[:, :, ::-1]
    x = (x - np.array(description.get("input.mean", [0, 0, 0]), np.float32)) / np.array(
        description.get("input.std", [1, 1, 1]), np.float32)
    return torch.from_numpy(np.ascontiguousarray(x)).permute(2, 0, 1)[None]


def sidecar(cfg, labels, scores="softmax"):
    """The sidecar for a port-trained RefineDet of prior layout cfg. No "name": a model is named by its file."""
    return {
        "arch": "refinedet",
        "labels": labels,
        "input.width": cfg["size"], "input.height": cfg["size"],
        "input.channel_order": SIDECAR_CHANNEL_ORDER, "input.mean": SIDECAR_MEAN, "input.std": [1, 1, 1],
        "priors.feature_maps": cfg["feature_maps"], "priors.steps": cfg["steps"],
        "priors.min_sizes": cfg["min_sizes"], "priors.max_sizes": cfg["max_sizes"],
        "priors.aspect_ratios": cfg["aspect_ratios"], "priors.variance": cfg["variance"], "priors.clip": cfg["clip"],
        "output.form": "raw", "output.scores": scores,
        # The port's Detect_RefineDet defaults (and the engine's): written out so that they can be tuned here.
        "postprocess.confidence": SCORE_THRESHOLD, "postprocess.objectness": FILTER_THRESHOLD,
        "postprocess.nms_iou": NMS_IOU, "postprocess.top_k_per_class": TOP_K_PER_CLASS,
        "postprocess.keep_top_k": KEEP_TOP_K, "postprocess.clip": True,
    }


def stand_in_network(preset, seed):
    """This folder's RefineDet with random weights in place of a port's trained one. Every parameter gets noise:
    our init zeroes the head biases, and torch.onnx turns equal initializers into Identity nodes, which a trained
    network never has (and which OpenCV's ONNX importer, used by the tests, cannot read)."""
    torch.manual_seed(seed)
    net = RefineDet(preset, len(VOC_LABELS)).eval()
    with torch.no_grad():
        for p in net.parameters():
            p.add_(torch.randn_like(p) * 0.01)
    return net


def export_heads(net, size, path):
    """Exports the train-phase heads + softmax: the test-phase forward of typical ports runs Detect (Python loops
    and NMS on the decoded boxes) inside forward(), which torch.onnx cannot trace into a graph."""
    names = ["arm_loc", "arm_conf", "odm_loc", "odm_conf"]
    torch.onnx.export(SoftmaxOutputs(net).eval(), torch.zeros(1, 3, size, size), path, opset_version=13,
                      input_names=["images"], output_names=names,
                      dynamic_axes={"images": {0: "batch"}, **{n: {0: "batch"} for n in names}},
                      do_constant_folding=True)


# ------------------------------------------------------------------------ a small port-style RefineDet (test fixture)
# The port's RefineDet320 as its builder functions lay it out (vgg(), add_extras(), arm/odm multibox, add_tcb() in
# the ssd.pytorch lineage): channel lists, 'M'/'C' pools, the layer indices its forward() taps for conv4_3 and
# conv5_3, L2Norm on both, the 1x1/3x3-stride-2 extra pair, 3 anchors per location, TCB width 256. The fixture
# divides every width by PORT_TINY_DIVISOR so the .onnx is a few hundred kB instead of 138 MB; nothing else changes,
# so the graph has the port's structure, anchor order and outputs.
PORT_VGG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "C", 512, 512, 512, "M", 512, 512, 512]
PORT_EXTRAS = [256, "S", 512]
PORT_FC = 1024
PORT_TCB = 256
PORT_ANCHORS = [3, 3, 3, 3]
PORT_TINY_DIVISOR = 32


class PortRefineDet(nn.Module):
    """RefineDet written the way the port writes it (ModuleLists indexed by its forward()). forward() is the port's
    train phase: the four head tensors as logits, the ones it trains on and the ones we export. Its test phase
    (softmax, then Detect) is `port_detect` below, applied to the softmaxed heads."""

    def __init__(self, num_classes, divisor=1):
        super().__init__()
        d = lambda c: c // divisor
        self.num_classes = num_classes
        layers, cin = [], 3
        for v in PORT_VGG:
            if v in ("M", "C"):
                layers.append(nn.MaxPool2d(2, 2, ceil_mode=(v == "C")))
            else:
                layers += [nn.Conv2d(cin, d(v), 3, padding=1), nn.ReLU(inplace=True)]
                cin = d(v)
        layers += [nn.MaxPool2d(2, 2), nn.Conv2d(cin, d(PORT_FC), 3, padding=3, dilation=3), nn.ReLU(inplace=True),
                   nn.Conv2d(d(PORT_FC), d(PORT_FC), 1), nn.ReLU(inplace=True)]
        self.vgg = nn.ModuleList(layers)
        self.conv4_3_L2Norm = L2Norm(d(512), 10)
        self.conv5_3_L2Norm = L2Norm(d(512), 8)
        self.extras = nn.ModuleList([nn.Conv2d(d(PORT_FC), d(PORT_EXTRAS[0]), 1),
                                     nn.Conv2d(d(PORT_EXTRAS[0]), d(PORT_EXTRAS[2]), 3, stride=2, padding=1)])
        sources = [d(512), d(512), d(PORT_FC), d(PORT_EXTRAS[2])]
        t = d(PORT_TCB)
        self.arm_loc = nn.ModuleList(nn.Conv2d(c, a * 4, 3, padding=1) for c, a in zip(sources, PORT_ANCHORS))
        self.arm_conf = nn.ModuleList(nn.Conv2d(c, a * 2, 3, padding=1) for c, a in zip(sources, PORT_ANCHORS))
        self.odm_loc = nn.ModuleList(nn.Conv2d(t, a * 4, 3, padding=1) for a in PORT_ANCHORS)
        self.odm_conf = nn.ModuleList(nn.Conv2d(t, a * num_classes, 3, padding=1) for a in PORT_ANCHORS)
        self.tcb0 = nn.ModuleList(m for c in sources for m in (nn.Conv2d(c, t, 3, padding=1), nn.ReLU(inplace=True),
                                                               nn.Conv2d(t, t, 3, padding=1)))
        self.tcb1 = nn.ModuleList(nn.ConvTranspose2d(t, t, 2, 2) for _ in sources[:-1])
        self.tcb2 = nn.ModuleList(m for _ in sources for m in (nn.ReLU(inplace=True), nn.Conv2d(t, t, 3, padding=1),
                                                               nn.ReLU(inplace=True)))

    def forward(self, x):
        sources = []
        for k in range(30):  # up to conv5_3's relu; 22 is conv4_3's relu, 29 conv5_3's
            x = self.vgg[k](x)
            if k == 22:
                sources.append(self.conv4_3_L2Norm(x))
            elif k == 29:
                sources.append(self.conv5_3_L2Norm(x))
        for k in range(30, len(self.vgg)):
            x = self.vgg[k](x)
        sources.append(x)
        for k, v in enumerate(self.extras):
            x = F.relu(v(x), inplace=True)
            if k % 2 == 1:
                sources.append(x)
        b = x.size(0)
        arm_loc = torch.cat([l(s).permute(0, 2, 3, 1).reshape(b, -1) for s, l in zip(sources, self.arm_loc)], 1)
        arm_conf = torch.cat([c(s).permute(0, 2, 3, 1).reshape(b, -1) for s, c in zip(sources, self.arm_conf)], 1)
        tcb, p = [], None
        for k, v in enumerate(sources[::-1]):
            s = v
            for i in range(3):
                s = self.tcb0[(3 - k) * 3 + i](s)
            if k != 0:
                s = s + self.tcb1[3 - k](p)
            for i in range(3):
                s = self.tcb2[(3 - k) * 3 + i](s)
            p = s
            tcb.append(s)
        tcb.reverse()
        odm_loc = torch.cat([l(s).permute(0, 2, 3, 1).reshape(b, -1) for s, l in zip(tcb, self.odm_loc)], 1)
        odm_conf = torch.cat([c(s).permute(0, 2, 3, 1).reshape(b, -1) for s, c in zip(tcb, self.odm_conf)], 1)
        return (arm_loc.view(b, -1, 4), arm_conf.view(b, -1, 2), odm_loc.view(b, -1, 4),
                odm_conf.view(b, -1, self.num_classes))


TINY_ODM_CONF_GAIN = 80.0
TINY_BACKGROUND_BIAS = 17.0
TINY_ODM_LOC_GAIN = 5.0
TINY_OBJECTNESS_BIAS = -0.5


def tiny_port_network(seed):
    """The fixture's stand-in weights: PyTorch's default initialisation under `seed`, then the heads scaled and
    biased deterministically. Unscaled, the narrow network's ODM logits vary by ~0.06 between anchors, so every class
    scores about 1/21 everywhere: thousands of near-equal candidates above the 0.01 threshold, keep-top-k cutting
    through ties, nothing that depends on the picture. Scaling the ODM class weights makes the scores follow the
    image; a background bias then leaves a few dozen detections per image (scores ~0.01-0.5), so that count, classes,
    scores and boxes all carry information. The ODM box weights are scaled so that the second decode step visibly
    moves the refined anchors. A small negative objectness bias makes negative-anchor filtering drop anchors that
    would otherwise report detections (63, 72 and 43 detections on the fixture frames instead of 92, 96 and 89; the
    fixture test checks that the filter changes the result)."""
    torch.manual_seed(seed)
    net = PortRefineDet(len(VOC_LABELS), divisor=PORT_TINY_DIVISOR).eval()
    c = len(VOC_LABELS)
    with torch.no_grad():
        for head in net.odm_conf:
            head.weight.mul_(TINY_ODM_CONF_GAIN)
            head.bias.view(-1, c)[:, 0] += TINY_BACKGROUND_BIAS
        for head in net.odm_loc:
            head.weight.mul_(TINY_ODM_LOC_GAIN)
        for head in net.arm_conf:
            head.bias.view(-1, 2)[:, 1] += TINY_OBJECTNESS_BIAS
    return net


# --------------------------------------------------------------------------- reference Detect (the port's test phase)
def _port_decode(loc, priors, variance):
    """The port's decode(): centre-form priors + offsets -> corner form, computed as it does (x1 = cx - w/2, then
    x2 = x1 + w)."""
    boxes = torch.cat((priors[:, :2] + loc[:, :2] * variance[0] * priors[:, 2:],
                       priors[:, 2:] * torch.exp(loc[:, 2:] * variance[1])), 1)
    boxes[:, :2] -= boxes[:, 2:] / 2
    boxes[:, 2:] += boxes[:, :2]
    return boxes


def _center_size(boxes):
    """The port's center_size(): corner form back to centre form (the refined anchors the ODM offsets apply to)."""
    return torch.cat(((boxes[:, 2:] + boxes[:, :2]) / 2, boxes[:, 2:] - boxes[:, :2]), 1)


def _port_nms(boxes, scores, overlap, top_k):
    """The port's greedy nms(): the top_k highest scores enter; the best remaining box is kept and every remaining box
    whose IoU with it exceeds `overlap` is dropped. A stable sort (the port's is not) so ties resolve by anchor."""
    x1, y1, x2, y2 = boxes.unbind(1)
    area = (x2 - x1) * (y2 - y1)
    idx = torch.sort(scores, descending=True, stable=True)[1][:top_k]
    keep = []
    while idx.numel() > 0:
        i = idx[0]
        keep.append(int(i))
        idx = idx[1:]
        if idx.numel() == 0:
            break
        w = (torch.minimum(x2[idx], x2[i]) - torch.maximum(x1[idx], x1[i])).clamp(min=0.0)
        h = (torch.minimum(y2[idx], y2[i]) - torch.maximum(y1[idx], y1[i])).clamp(min=0.0)
        inter = w * h
        iou = inter / (area[idx] - inter + area[i])
        idx = idx[iou <= overlap]
    return keep


def port_detect(arm_loc, arm_conf, odm_loc, odm_conf, priors, variance, frame_w, frame_h, description):
    """The port's test-phase Detect_RefineDet for one image, on softmaxed heads ([P,4], [P,2], [P,4], [P,C]), with
    the thresholds of the model description (`postprocess.*`, models/README.md): anchors whose ARM objectness is
    <= objectness get all class scores zeroed (negative-anchor filtering); ARM offsets decode the priors into refined
    anchors, ODM offsets decode those; per class, scores > confidence, the top_k_per_class highest enter NMS with
    nms_iou; all classes' survivors by descending score, the first keep_top_k, in frame pixels, clamped to the frame
    when clip. (The port leaves keep-top-k to a masked fill that has no effect, and never clips: both are what the
    engine does and models/README.md documents, so the reference does them too.) Rows (class, score, x1, y1, x2, y2)."""
    conf = odm_conf.clone()
    conf[(arm_conf[:, 1:] <= description["postprocess.objectness"]).expand_as(conf)] = 0
    refined = _center_size(_port_decode(arm_loc, priors, variance))
    boxes = _port_decode(odm_loc, refined, variance)
    rows = []
    for cl in range(1, conf.shape[1]):
        anchors = torch.nonzero(conf[:, cl] > description["postprocess.confidence"]).squeeze(1)
        if anchors.numel() == 0:
            continue
        kept = _port_nms(boxes[anchors], conf[anchors, cl], description["postprocess.nms_iou"],
                         description["postprocess.top_k_per_class"])
        rows += [(cl, float(conf[anchors[k], cl]), int(anchors[k])) for k in kept]
    rows.sort(key=lambda r: -r[1])
    scale = torch.tensor([frame_w, frame_h, frame_w, frame_h], dtype=torch.float32)
    out = []
    for cl, score, a in rows[:description["postprocess.keep_top_k"]]:
        b = boxes[a] * scale
        if description["postprocess.clip"]:
            b = torch.minimum(b.clamp(min=0.0), scale)
        out.append([cl, score, *[float(v) for v in b]])
    return out


# ------------------------------------------------------------------------------------------------ the C# fixture
TINY_NAME = "refinedet-port-tiny"
# Demo frames (video, frame index), downscaled to FIXTURE_FRAME_SIZE so that the lossless PNGs stay small; not the
# network size, so serving them also exercises the engine's resize.
FIXTURE_FRAMES = [("demo.mp4", 100), ("demo.mp4", 400), ("heldout.mp4", 120)]
FIXTURE_FRAME_SIZE = (384, 216)
FIXTURE_SEED = 14
MODELS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models")


def fixture_frames():
    """The fixture's BGR frames: decoded with OpenCV reading from the start (seeking an mp4 lands on a keyframe on
    some builds), resized with INTER_AREA, uint8."""
    frames = []
    for video, index in FIXTURE_FRAMES:
        cap = cv2.VideoCapture(os.path.join(MODELS_DIR, video))
        for _ in range(index + 1):
            ok, frame = cap.read()
            if not ok:
                raise RuntimeError(f"cannot read frame {index} of models/{video}")
        cap.release()
        frames.append(cv2.resize(frame, FIXTURE_FRAME_SIZE, interpolation=cv2.INTER_AREA))
    return frames


def reference_detections(net, description, image_bgr):
    """What the port's test phase reports for one image: the network input of tools/refinedet/network_input.py
    (the engine's, bit for bit) through the train-phase heads, softmax, then `port_detect`."""
    w, h = description["input.width"], description["input.height"]
    cfg = {k.split(".", 1)[1]: v for k, v in description.items() if k.startswith("priors.")}
    cfg["size"] = w
    x = torch.from_numpy(network_input(image_bgr, w, h, description["input.mean"], description["input.std"],
                                       description["input.channel_order"]))[None]
    with torch.no_grad():
        arm_loc, arm_conf, odm_loc, odm_conf = (t[0] for t in SoftmaxOutputs(net)(x))
    return port_detect(arm_loc, arm_conf, odm_loc, odm_conf, prior_boxes(cfg), cfg["variance"],
                       image_bgr.shape[1], image_bgr.shape[0], description)


# How far the reference's decisions must be from its thresholds. ONNX Runtime and PyTorch sum the convolutions in
# different orders, so the head logits differ by ~1e-6..1e-5. A probability p moves by p(1-p) times that: ~1e-7 at
# the 0.01 of `confidence` and `objectness`. Boxes move by ~1e-4 px of 320, IoUs by ~1e-6. The margins are ten times
# those: a fixture with a decision closer than this to a threshold could gain or lose a detection on float noise
# alone, and the C# test would then fail on the fixture, not on the engine.
DECISION_MARGIN = {"postprocess.confidence": 1e-6, "postprocess.objectness": 1e-6, "postprocess.nms_iou": 1e-5}


def assert_decisions_are_robust(net, description, image_bgr):
    """Raises when moving a threshold by its DECISION_MARGIN changes the reference detections (which classes and
    scores are reported): some decision is then within float noise of it."""
    def key(rows):
        return [(r[0], r[1]) for r in rows]

    base = key(reference_detections(net, description, image_bgr))
    for name, margin in DECISION_MARGIN.items():
        for sign in (-1, 1):
            moved = dict(description, **{name: description[name] + sign * margin})
            if key(reference_detections(net, moved, image_bgr)) != base:
                raise AssertionError(f"a decision lies within {margin} of {name}={description[name]}: "
                                     f"pick other frames or another seed")


def write_fixture(out, seed=FIXTURE_SEED):
    """Writes the fixture of Tests/Gateway/ThirdPartyDetectTests.cs into `out`: the tiny port-style model (train-phase
    heads + softmax, no `va.` metadata) with its sidecar, the frames as lossless PNGs, and <name>.golden.json with the
    reference detections of each PNG (decoded back from the file, so both sides start from the same pixels)."""
    os.makedirs(out, exist_ok=True)
    cfg = PRIOR_CONFIGS["vgg-320"]  # the port's RefineDet320 prior layout
    net = tiny_port_network(seed)
    export_heads(net, cfg["size"], os.path.join(out, TINY_NAME + ".onnx"))
    description = sidecar(cfg, VOC_LABELS)
    with open(os.path.join(out, TINY_NAME + ".json"), "w") as f:
        json.dump(description, f, indent=1)
    images = []
    for k, ((video, index), frame) in enumerate(zip(FIXTURE_FRAMES, fixture_frames())):
        name = f"{TINY_NAME}-{k}.png"
        path = os.path.join(out, name)
        cv2.imwrite(path, frame, [cv2.IMWRITE_PNG_COMPRESSION, 9])
        decoded = cv2.imread(path, cv2.IMREAD_COLOR)
        images.append({"file": name, "source": f"models/{video} frame {index}", "width": decoded.shape[1],
                       "height": decoded.shape[0], "detections": reference_detections(net, description, decoded)})
        assert_decisions_are_robust(net, description, decoded)
    golden = {"model": TINY_NAME, "seed": seed, "images": images}
    with open(os.path.join(out, TINY_NAME + ".golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
    return golden


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m refinedet.thirdparty", description=__doc__.split("\n\n")[0])
    p.add_argument("--preset", default="vgg-320", choices=["vgg-320", "vgg-512", "lite-320"],
                   help="prior layout and backbone (vgg-320/512: the paper's RefineDet320/512 on VGG16)")
    p.add_argument("--out", help="folder for the model and its sidecar")
    p.add_argument("--name", help="file name without .onnx (default refinedet-port-<size>)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tiny", action="store_true",
                   help="the port's RefineDet320 layout with every width /32 (~0.3 MB): with --fixture, the test fixture")
    p.add_argument("--fixture", metavar="DIR",
                   help="with --tiny: write the fixture of Tests/Gateway/ThirdPartyDetectTests.cs (model, sidecar, "
                        "PNG frames, reference detections) into DIR, e.g. ../Tests/Data")
    a = p.parse_args(argv)
    torch.set_num_threads(2)
    if a.fixture or a.tiny:
        if not (a.fixture and a.tiny):
            p.error("--tiny and --fixture go together")
        golden = write_fixture(a.fixture)
        counts = ", ".join(str(len(i["detections"])) for i in golden["images"])
        print(f"wrote {TINY_NAME}.onnx, .json, .golden.json and {len(golden['images'])} PNGs to {a.fixture} "
              f"(reference detections per image: {counts})")
        return 0
    if not a.out:
        p.error("--out is required")
    cfg = PRIOR_CONFIGS[a.preset]
    net = stand_in_network(a.preset, a.seed)
    os.makedirs(a.out, exist_ok=True)
    name = a.name or f"refinedet-port-{cfg['size']}"
    model_path = os.path.join(a.out, name + ".onnx")
    export_heads(net, cfg["size"], model_path)
    with open(os.path.join(a.out, name + ".json"), "w") as f:
        json.dump(sidecar(cfg, VOC_LABELS), f, indent=1)
    print(f"wrote {model_path} ({os.path.getsize(model_path) / 1e6:.1f} MB) and {name}.json; check it with\n"
          f"  dotnet Gateway/bin/Release/net10.0/VideoAnalytics.Gateway.dll check-model {model_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
