"""Reference post-processing (the same maths the fused ONNX graph does) and a small mAP evaluator.

  python3 -m refinedet.evaluate CHECKPOINT VIDEO.mp4 [--gt VIDEO.gt.jsonl]

mAP@0.5 uses VOC all-point interpolation; AP@[.5:.95] uses COCO's 101-point interpolation averaged over
IoU 0.50:0.05:0.95. Both average over classes that have ground truth.
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torchvision.ops import batched_nms

from .box_utils import center_to_corner, decode
from .data import preprocess

FILTER_THRESHOLD = 0.01  # negative-anchor filtering: ARM objectness <= this drops the anchor
SCORE_THRESHOLD = 0.01
NMS_IOU = 0.45
# The C# engine's DecodeOptions defaults: the highest-scoring candidates per class that enter NMS, and the
# detections kept per image after it. The fused graph applies the first; the engine applies the second to
# both model forms.
TOP_K_PER_CLASS = 1000
KEEP_TOP_K = 500


def postprocess(arm_loc, arm_conf_p, odm_loc, odm_conf_p, priors, variance=(0.1, 0.2),
                score_threshold=SCORE_THRESHOLD, nms_iou=NMS_IOU, top_k=TOP_K_PER_CLASS, keep_top_k=KEEP_TOP_K):
    """Cascaded decode + negative-anchor filtering + top-k per class + per-class NMS + keep-top-k per image,
    on softmaxed outputs. Returns a [N,7] tensor: batch index, class id, score, x1, y1, x2, y2 (normalized,
    clipped), each image's rows by descending score."""
    refined = decode(arm_loc, priors.unsqueeze(0), variance)
    boxes = center_to_corner(decode(odm_loc, refined, variance)).clamp(0, 1)
    keep_anchor = (arm_conf_p[..., 1] > FILTER_THRESHOLD).float()
    scores = odm_conf_p[..., 1:] * keep_anchor.unsqueeze(-1)  # [B,P,C-1]
    k = min(top_k, scores.shape[1])
    out = []
    for b in range(boxes.shape[0]):
        top_s, top_i = scores[b].topk(k, dim=0)  # [k, C-1] each
        cls = torch.arange(scores.shape[2]).expand_as(top_i)
        m = top_s > score_threshold
        idx, sc, cl = top_i[m], top_s[m], cls[m]
        if idx.numel() == 0:
            continue
        keep = batched_nms(boxes[b][idx], sc, cl, nms_iou)[:keep_top_k]  # sorted by descending score
        out.append(torch.cat([torch.full((keep.numel(), 1), float(b)), (cl[keep] + 1).float()[:, None],
                              sc[keep][:, None], boxes[b][idx[keep]]], 1))
    return torch.cat(out) if out else torch.zeros((0, 7))


@torch.no_grad()
def detect(net, priors, frames, size, batch=8):
    """Run the PyTorch model on BGR uint8 frames; returns per-frame arrays of (class, score, x1,y1,x2,y2)
    in frame pixels."""
    net.eval()
    results = []
    for k in range(0, len(frames), batch):
        chunk = frames[k:k + batch]
        x = torch.stack([preprocess(f, size) for f in chunk])
        al, ac, ol, oc = net(x)
        det = postprocess(al, F.softmax(ac, -1), ol, F.softmax(oc, -1), priors).numpy()
        for i, f in enumerate(chunk):
            h, w = f.shape[:2]
            d = det[det[:, 0] == i][:, 1:].copy()
            d[:, 2:] *= np.array([w, h, w, h], np.float32)
            results.append(d)
    return results


def _iou_one(box, boxes):
    lt = np.maximum(box[:2], boxes[:, :2])
    rb = np.minimum(box[2:], boxes[:, 2:])
    inter = np.clip(rb - lt, 0, None).prod(1)
    return inter / ((box[2:] - box[:2]).prod() + (boxes[:, 2:] - boxes[:, :2]).prod(1) - inter + 1e-9)


def evaluate(detections, ground_truth, num_classes):
    """detections: per image [n,6] (class, score, x1,y1,x2,y2); ground_truth: per image [(class, box)].
    Returns dict with mAP50, AP (COCO .5:.95), per-class AP50."""
    thresholds = np.arange(0.5, 0.96, 0.05)
    ap = np.full((num_classes, len(thresholds)), np.nan)
    ap_voc = np.full(num_classes, np.nan)
    for c in range(1, num_classes):
        gts = [np.array([b for k, b in g if k == c], np.float32).reshape(-1, 4) for g in ground_truth]
        n_gt = sum(len(g) for g in gts)
        if n_gt == 0:
            continue
        dets = [(s, i, d[2:]) for i, dd in enumerate(detections) for d in dd[dd[:, 0] == c] for s in [d[1]]]
        dets.sort(key=lambda t: -t[0])
        for ti, t in enumerate(thresholds):
            used = [np.zeros(len(g), bool) for g in gts]
            tp = np.zeros(len(dets))
            for j, (_, i, box) in enumerate(dets):
                if len(gts[i]) == 0:
                    continue
                ious = _iou_one(box, gts[i])
                ious[used[i]] = -1
                m = int(ious.argmax())
                if ious[m] >= t:
                    used[i][m] = True
                    tp[j] = 1
            ctp = np.cumsum(tp)
            recall = ctp / n_gt
            precision = ctp / np.arange(1, len(dets) + 1) if len(dets) else np.zeros(0)
            # Monotone precision envelope.
            env = np.maximum.accumulate(precision[::-1])[::-1] if len(dets) else precision
            rs = np.linspace(0, 1, 101)
            idx = np.searchsorted(recall, rs, side="left")
            ap[c, ti] = np.mean([env[k] if k < len(env) else 0 for k in idx])
            if ti == 0:
                mrec = np.concatenate([[0], recall, [1]])
                mpre = np.concatenate([[0], env, [0]])
                mpre = np.maximum.accumulate(mpre[::-1])[::-1]
                ch = np.where(mrec[1:] != mrec[:-1])[0]
                ap_voc[c] = float(np.sum((mrec[ch + 1] - mrec[ch]) * mpre[ch + 1]))
    return {"mAP50": float(np.nanmean(ap_voc)), "AP": float(np.nanmean(ap)),
            "AP50_coco": float(np.nanmean(ap[:, 0])), "per_class_AP50": ap_voc.tolist()}


def read_video(path, gt_path=None, every=1, limit=None):
    """Frames (BGR) and ground truth [(class, box)] from an mp4 and its .gt.jsonl."""
    gt_path = gt_path or os.path.splitext(path)[0] + ".gt.jsonl"
    with open(gt_path) as f:
        gts = [json.loads(l) for l in f]
    cap = cv2.VideoCapture(path)
    frames, truth = [], []
    i = 0
    while True:
        ok, f = cap.read()
        if not ok:
            break
        if i % every == 0:
            frames.append(f)
            truth.append([(o["classId"], [o["box"][k] for k in ("x1", "y1", "x2", "y2")]) for o in
                          gts[i]["objects"]])
            if limit and len(frames) >= limit:
                break
        i += 1
    return frames, truth


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m refinedet.evaluate",
                                description="Measure mAP of a training checkpoint on a video with .gt.jsonl")
    p.add_argument("checkpoint")
    p.add_argument("video")
    p.add_argument("--gt", help="ground truth (default: <video>.gt.jsonl)")
    p.add_argument("--every", type=int, default=1, help="use every n-th frame")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    from .train import load_model
    net, priors, cfg, labels = load_model(a.checkpoint)
    frames, truth = read_video(a.video, a.gt, a.every)
    t = time.time()
    dets = detect(net, priors, frames, cfg["size"])
    el = time.time() - t
    r = evaluate(dets, truth, len(labels))
    print(json.dumps({"frames": len(frames), "fps": round(len(frames) / el, 1), "mAP50": round(r["mAP50"], 4),
                      "AP": round(r["AP"], 4),
                      "per_class_AP50": {labels[c]: round(v, 4) for c, v in enumerate(r["per_class_AP50"])
                                         if c > 0 and v == v}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
