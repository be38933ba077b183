"""Worked example of tools/refinedet/README.md "Bring your own RefineDet": export a RefineDet defined and trained
the way the widely used PyTorch port does it, with a sidecar that makes the engine see exactly what the port's
training code fed the network.

  cd tools && /usr/bin/python3 -m refinedet.thirdparty --out /tmp/byo            # RefineDet320 layout, VGG16
  cd .. && dotnet Gateway/bin/Release/net10.0/VideoAnalytics.Gateway.dll check-model /tmp/byo/refinedet-port-320.onnx

The network here is this folder's RefineDet with random weights, standing in for the port's (same heads, same
anchor order, forward() returning the four train-phase head tensors as logits); with the port's own code you build
its network, load its .pth and export the same way (see the README). The file carries no `va.` metadata, like
any model exported elsewhere: the sidecar beside it is the whole description.
"""
import argparse
import json
import os
import sys

import cv2
import numpy as np
import torch

from .model import RefineDet, SoftmaxOutputs
from .priors import PRIOR_CONFIGS

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
        "postprocess.confidence": 0.01, "postprocess.objectness": 0.01, "postprocess.nms_iou": 0.45,
        "postprocess.top_k_per_class": 1000, "postprocess.keep_top_k": 500, "postprocess.clip": True,
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


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m refinedet.thirdparty", description=__doc__.split("\n\n")[0])
    p.add_argument("--preset", default="vgg-320", choices=["vgg-320", "vgg-512", "lite-320"],
                   help="prior layout and backbone (vgg-320/512: the paper's RefineDet320/512 on VGG16)")
    p.add_argument("--out", required=True)
    p.add_argument("--name", help="file name without .onnx (default refinedet-port-<size>)")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    torch.set_num_threads(2)
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
