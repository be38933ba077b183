"""The post-processing peer of `make bench`: RefineDet decode + NMS written the PyTorch way (the project's
reference decode from tools/refinedet/box_utils.py and torchvision.ops.batched_nms), on the raw head outputs the
C# side saved from real frames. It follows the C# decoder's documented rules (VideoAnalytics.Inference
RefineDetDecoder + DecodeOptions) so that both must give the same detections:
  - negative-anchor filtering: ARM objectness <= objectness_threshold drops the anchor;
  - candidates: class scores (background excluded) > confidence_threshold;
  - cascaded decode: ARM offsets refine the anchor, ODM offsets decode from the refined anchor;
  - per class the top_k_per_class highest candidates enter NMS (IoU > nms_iou suppresses), on unclipped boxes;
  - keep_top_k_per_image highest survivors, boxes clipped to [0, 1] (normalized coordinates).

  /usr/bin/python3 torch_postprocess_peer.py DATA_DIR
  first line out: {"ready": true, "torch": ..., "torchvision": ...}
  in: {"op": "run", "passes": N}  out: {"seconds": S}   (N passes over every frame, one frame at a time)
  in: {"op": "dump", "path": P}   out: {"rows": R}      (detections as float32 rows: frame, class, score, x1, y1, x2, y2)
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torchvision
from torchvision.ops import batched_nms

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from refinedet.box_utils import center_to_corner, decode  # noqa: E402  (needs the path above)


def load(directory):
    with open(os.path.join(directory, "manifest.json")) as f:
        m = json.load(f)
    frames, anchors, classes = m["frames"], m["anchors"], m["classes"]

    def tensor(name, width):
        data = np.fromfile(os.path.join(directory, name + ".f32"), dtype=np.float32)
        return torch.from_numpy(data.reshape(frames, anchors, width))

    heads = [tensor("arm_loc", 4), tensor("arm_conf", 2), tensor("odm_loc", 4), tensor("odm_conf", classes)]
    priors = torch.from_numpy(np.fromfile(os.path.join(directory, "priors.f32"), dtype=np.float32).reshape(anchors, 4))
    return m, heads, priors


def postprocess(arm_loc, arm_conf, odm_loc, odm_conf, priors, m):
    """One frame's detections: [N, 6] tensor of class, score, x1, y1, x2, y2, highest score first."""
    variance = (m["center_variance"], m["size_variance"])
    scores = odm_conf[:, 1:]
    mask = (scores > m["confidence_threshold"]) & (arm_conf[:, 1] > m["objectness_threshold"])[:, None]
    anchor, cls = mask.nonzero(as_tuple=True)
    if anchor.numel() == 0:
        return torch.zeros((0, 6))
    score = scores[anchor, cls]
    # Decoding every anchor in one vectorised call is cheaper in torch than gathering the candidates first.
    boxes = center_to_corner(decode(odm_loc, decode(arm_loc, priors, variance), variance))[anchor]
    top_k = m["top_k_per_class"]
    if score.numel() > top_k:
        keep = []
        for c in torch.unique(cls):
            members = (cls == c).nonzero(as_tuple=True)[0]
            if members.numel() > top_k:
                members = members[torch.topk(score[members], top_k).indices]
            keep.append(members)
        keep = torch.cat(keep)
        anchor, cls, score, boxes = anchor[keep], cls[keep], score[keep], boxes[keep]
    kept = batched_nms(boxes, score, cls, m["nms_iou"])[: m["keep_top_k_per_image"]]  # sorted by score
    return torch.cat([(cls[kept] + 1).float()[:, None], score[kept][:, None], boxes[kept].clamp(0, 1)], 1)


def run_all(heads, priors, m):
    return [postprocess(*(h[f] for h in heads), priors, m) for f in range(m["frames"])]


def main():
    # One thread: the C# decoder works on one image on one thread.
    torch.set_num_threads(1)
    m, heads, priors = load(sys.argv[1])
    with torch.no_grad():
        run_all(heads, priors, m)  # warm-up: first calls initialise torch's kernels
        print(json.dumps({"ready": True, "torch": torch.__version__, "torchvision": torchvision.__version__}), flush=True)
        for line in sys.stdin:
            try:
                request = json.loads(line)
                if request["op"] == "run":
                    start = time.perf_counter()
                    for _ in range(request["passes"]):
                        run_all(heads, priors, m)
                    print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)
                elif request["op"] == "dump":
                    rows = [torch.cat([torch.full((d.shape[0], 1), float(f)), d], 1)
                            for f, d in enumerate(run_all(heads, priors, m))]
                    out = torch.cat(rows).numpy().astype(np.float32)
                    out.tofile(request["path"])
                    print(json.dumps({"rows": int(out.shape[0])}), flush=True)
                else:
                    print(json.dumps({"error": f"unknown op {request['op']!r}"}), flush=True)
            except Exception as e:  # answer instead of dying: the C# side reports the message
                print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
