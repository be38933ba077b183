"""Export a checkpoint to ONNX: a raw model (four head outputs) and a fused model (decode + NMS in the
graph), both carrying the `va.` metadata of models/README.md, then check both against PyTorch.

  cd tools && /usr/bin/python3 -m refinedet.export refinedet/runs/lite/last.pt --out ../models

Checks: onnx.checker + shape inference on both files; the raw file and the pre-NMS part of the fused file
are executed with OpenCV's dnn module and compared to PyTorch; the NMS tail appended to the fused graph
is executed by a small numpy interpreter of exactly the ops it uses and compared to the PyTorch
reference post-processing (torchvision batched_nms). onnxruntime is not available here; the C# engine
runs both files with ONNX Runtime.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from . import synthetic
from .box_utils import center_to_corner, decode
from .data import MEAN_BGR, preprocess
from .evaluate import FILTER_THRESHOLD, KEEP_TOP_K, NMS_IOU, SCORE_THRESHOLD, TOP_K_PER_CLASS, postprocess
from .model import SoftmaxOutputs

OPSET = 13


def metadata(cfg, labels, name, form):
    return {
        "va.name": name,
        "va.arch": "refinedet",
        "va.labels": json.dumps(labels),
        "va.input.width": str(cfg["size"]),
        "va.input.height": str(cfg["size"]),
        "va.input.channel_order": "BGR",
        "va.input.mean": json.dumps([int(m) for m in MEAN_BGR]),
        "va.input.std": json.dumps([1, 1, 1]),
        "va.priors.feature_maps": json.dumps(cfg["feature_maps"]),
        "va.priors.steps": json.dumps(cfg["steps"]),
        "va.priors.min_sizes": json.dumps(cfg["min_sizes"]),
        "va.priors.max_sizes": json.dumps(cfg["max_sizes"]),
        "va.priors.aspect_ratios": json.dumps(cfg["aspect_ratios"]),
        "va.priors.variance": json.dumps(cfg["variance"]),
        "va.priors.clip": "true" if cfg["clip"] else "false",
        "va.output.form": form,
        "va.output.scores": "softmax",
        **postprocess_metadata(FILTER_THRESHOLD),
    }


def postprocess_metadata(objectness):
    """The post-processing the fused graph bakes in (append_nms, pre_nms) and the engine applies to the raw form,
    from the one set of constants both use. objectness=None for single-stage models (no ARM)."""
    meta = {
        "va.postprocess.top_k_per_class": str(TOP_K_PER_CLASS),
        "va.postprocess.nms_iou": repr(NMS_IOU),
        "va.postprocess.confidence": repr(SCORE_THRESHOLD),
        "va.postprocess.keep_top_k": str(KEEP_TOP_K),
        "va.postprocess.clip": "true",  # pre_nms clamps the boxes to [0,1]
    }
    if objectness is not None:
        meta["va.postprocess.objectness"] = repr(objectness)
    return meta


def set_metadata(model, meta):
    del model.metadata_props[:]
    for k, v in meta.items():
        p = model.metadata_props.add()
        p.key, p.value = k, v


def pre_nms(arm_loc, arm_conf, odm_loc, odm_conf, priors, variance):
    """Cascaded decode + negative-anchor filtering on softmaxed outputs, up to the NMS inputs:
    boxes [B,P,4] corner form clipped to [0,1], scores [B,C-1,P] (background dropped, filtered anchors 0)."""
    refined = decode(arm_loc, priors, variance)
    boxes = center_to_corner(decode(odm_loc, refined, variance))
    # clamp(0,1) written with Relu: same values, and OpenCV's ONNX importer (used by the checks)
    # rejects opset-13 Clip with min/max inputs.
    boxes = 1 - torch.relu(1 - torch.relu(boxes))
    keep = (arm_conf[..., 1:2] > FILTER_THRESHOLD).to(odm_conf.dtype)
    scores = (odm_conf[..., 1:] * keep).transpose(1, 2)
    return boxes, scores


class PreNms(torch.nn.Module):
    """Network + pre_nms(): the part of the fused graph that torch.onnx exports."""

    def __init__(self, net, priors, variance):
        super().__init__()
        self.net = SoftmaxOutputs(net)
        self.register_buffer("priors", priors.unsqueeze(0))
        self.variance = variance

    def forward(self, x):
        return pre_nms(*self.net(x), self.priors, self.variance)


def export_raw(net, cfg, labels, name, path):
    wrapped = SoftmaxOutputs(net).eval()
    x = torch.zeros(1, 3, cfg["size"], cfg["size"])
    names = ["arm_loc", "arm_conf", "odm_loc", "odm_conf"]
    torch.onnx.export(wrapped, x, path, opset_version=OPSET, input_names=["images"], output_names=names,
                      dynamic_axes={"images": {0: "batch"}, **{n: {0: "batch"} for n in names}},
                      do_constant_folding=True)
    m = onnx.load(path)
    set_metadata(m, metadata(cfg, labels, name, "raw"))
    onnx.save(m, path)
    return m


def export_pre_nms(net, priors, cfg, path):
    pre = PreNms(net, priors, tuple(cfg["variance"])).eval()
    x = torch.zeros(1, 3, cfg["size"], cfg["size"])
    torch.onnx.export(pre, x, path, opset_version=OPSET, input_names=["images"],
                      output_names=["nms_boxes", "nms_scores"],
                      dynamic_axes={"images": {0: "batch"}, "nms_boxes": {0: "batch"}, "nms_scores": {0: "batch"}},
                      do_constant_folding=True)
    return onnx.load(path)


def append_nms(model, num_priors):
    """Append the top-k per class, NonMaxSuppression and the gathers that turn its [N,3] indices into
    detections [N,7]. Keep-top-k per image is left to the engine (one cap for both model forms)."""
    g = model.graph
    k = min(TOP_K_PER_CLASS, num_priors)
    const = lambda n, arr: g.initializer.append(numpy_helper.from_array(np.asarray(arr), n))
    const("topk_k", np.array([k], np.int64))
    const("kth_start", np.array([k - 1], np.int64))
    const("kth_end", np.array([k], np.int64))
    const("axis_priors", np.array([2], np.int64))
    const("nms_max_per_class", np.array([k], np.int64))
    const("nms_iou", np.array([NMS_IOU], np.float32))
    const("nms_score", np.array([SCORE_THRESHOLD], np.float32))
    const("idx_batch_box", np.array([0, 2], np.int64))
    const("idx_batch", np.array([0], np.int64))
    const("idx_class", np.array([1], np.int64))
    const("one_f", np.array([1.0], np.float32))
    N = helper.make_node
    g.node.extend([
        # Top-k per class: zero every score below the class's k-th highest; the NMS score threshold drops them.
        N("TopK", ["nms_scores", "topk_k"], ["top_scores", "top_indices"], axis=2, largest=1, sorted=1),
        N("Slice", ["top_scores", "kth_start", "kth_end", "axis_priors"], ["kth_score"]),   # [B,C,1]
        N("GreaterOrEqual", ["nms_scores", "kth_score"], ["in_top_k"]),
        N("Cast", ["in_top_k"], ["in_top_k_f"], to=TensorProto.FLOAT),
        N("Mul", ["nms_scores", "in_top_k_f"], ["cand_scores"]),                    # [B,C,P]
        N("NonMaxSuppression", ["nms_boxes", "cand_scores", "nms_max_per_class", "nms_iou", "nms_score"],
          ["sel"], center_point_box=0),                                       # [N,3] batch, class, box
        N("Gather", ["sel", "idx_batch_box"], ["sel_bb"], axis=1),            # [N,2] batch, box
        N("GatherND", ["nms_boxes", "sel_bb"], ["det_boxes"]),                # [N,4]
        N("GatherND", ["cand_scores", "sel"], ["det_scores_1d"]),            # [N]
        N("Unsqueeze", ["det_scores_1d", "idx_class"], ["det_scores"]),        # [N,1]
        N("Gather", ["sel", "idx_batch"], ["sel_b"], axis=1),                 # [N,1]
        N("Cast", ["sel_b"], ["det_b"], to=TensorProto.FLOAT),
        N("Gather", ["sel", "idx_class"], ["sel_c"], axis=1),                 # [N,1] class - 1
        N("Cast", ["sel_c"], ["sel_cf"], to=TensorProto.FLOAT),
        N("Add", ["sel_cf", "one_f"], ["det_c"]),                             # background was dropped
        N("Concat", ["det_b", "det_c", "det_scores", "det_boxes"], ["detections"], axis=1),
    ])
    del g.output[:]
    g.output.append(helper.make_tensor_value_info("detections", TensorProto.FLOAT, ["num_detections", 7]))
    return model


def write_sidecar(path, meta):
    """metadata_props hold strings; the sidecar holds the same values as JSON (lists, numbers, booleans)."""
    def value(v):
        try:
            return json.loads(v)
        except ValueError:
            return v  # plain strings such as the name or BGR
    with open(path, "w") as f:
        json.dump({k[len("va."):]: value(v) for k, v in meta.items()}, f, indent=1)


# ------------------------------------------------------------------------------------------ checks
def run_tail_numpy(boxes, scores):
    """Numpy semantics of the appended tail (per batch and class: scores below the k-th highest zeroed, then
    ONNX NonMaxSuppression: boxes sorted by score, score > threshold, greedy suppression IoU > iou threshold,
    at most k kept). Rows come out per batch and class, like the graph's."""
    k = min(TOP_K_PER_CLASS, scores.shape[2])
    rows = []
    for b in range(boxes.shape[0]):
        bx = boxes[b]
        area = (bx[:, 2] - bx[:, 0]) * (bx[:, 3] - bx[:, 1])
        for c in range(scores.shape[1]):
            s = scores[b, c]
            ranked = np.argsort(-s, kind="stable")
            kth = s[ranked[k - 1]]
            order = [i for i in ranked if s[i] >= kth and s[i] > SCORE_THRESHOLD]
            kept = []
            for i in order:
                if len(kept) >= k:
                    break
                if kept:
                    kb = bx[kept]
                    lt, rb = np.maximum(bx[i, :2], kb[:, :2]), np.minimum(bx[i, 2:], kb[:, 2:])
                    inter = np.clip(rb - lt, 0, None).prod(1)
                    union = area[i] + area[kept] - inter
                    iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
                    if np.any(iou > NMS_IOU):
                        continue
                kept.append(i)
            rows += [[b, c + 1, s[i], *bx[i]] for i in kept]
    return np.array(rows, np.float32).reshape(-1, 7)


def keep_top_per_image(rows, keep_top_k=KEEP_TOP_K):
    """The engine's keep-top-k per image, applied to fused-graph rows (for the checks)."""
    out = []
    for b in np.unique(rows[:, 0]):
        r = rows[rows[:, 0] == b]
        out.append(r[np.argsort(-r[:, 2], kind="stable")[:keep_top_k]])
    return np.concatenate(out) if out else rows


def _sort_rows(d):
    return d[np.lexsort((d[:, 4], d[:, 3], -d[:, 2], d[:, 1], d[:, 0]))] if len(d) else d


def _cv2_run(path, x, out_names):
    import cv2
    net = cv2.dnn.readNetFromONNX(path)
    net.setInput(x)
    return [np.asarray(o) for o in net.forward(out_names)]


def check(net, priors, cfg, raw_path, pre_path, fused_path, n_images=4):
    report = {}
    for p in (raw_path, fused_path):
        m = onnx.load(p)
        onnx.checker.check_model(m, full_check=True)
        onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    report["checker"] = "onnx.checker (full) and strict shape inference passed on raw and fused"
    frames = [synthetic.generate_image(987654 + k)[0] for k in range(n_images)]
    x = torch.stack([preprocess(f, cfg["size"]) for f in frames])
    with torch.no_grad():
        ref = [t.numpy() for t in SoftmaxOutputs(net).eval()(x)]
        pre_ref = [t.numpy() for t in PreNms(net, priors, tuple(cfg["variance"])).eval()(x)]
        al, ac, ol, oc = SoftmaxOutputs(net).eval()(x)
        det_ref = _sort_rows(postprocess(al, ac, ol, oc, priors).numpy())
    try:
        # OpenCV's importer wants a fixed batch; run one image at a time.
        raw_cv = [np.concatenate(z) for z in zip(*[_cv2_run(raw_path, x[i:i + 1].numpy(),
                                                              ["arm_loc", "arm_conf", "odm_loc", "odm_conf"])
                                                   for i in range(len(frames))])]
        report["raw_vs_torch_max_abs_diff"] = {n: float(np.abs(a - b).max()) for n, a, b in
                                               zip(["arm_loc", "arm_conf", "odm_loc", "odm_conf"], raw_cv, ref)}
        pre_cv = [np.concatenate(z) for z in zip(*[_cv2_run(pre_path, x[i:i + 1].numpy(),
                                                              ["nms_boxes", "nms_scores"])
                                                   for i in range(len(frames))])]
        report["pre_nms_vs_torch_max_abs_diff"] = {n: float(np.abs(a - b).max()) for n, a, b in
                                                   zip(["boxes", "scores"], pre_cv, pre_ref)}
    except Exception as e:  # report rather than hide: the torch-side checks below still run
        report["opencv_dnn"] = f"could not run with cv2.dnn: {e}"
        pre_cv = pre_ref
    det_tail = _sort_rows(keep_top_per_image(run_tail_numpy(*pre_cv)))
    report["fused_detections_torch"] = int(len(det_ref))
    report["fused_detections_onnx_tail"] = int(len(det_tail))
    if len(det_ref) == len(det_tail):
        report["fused_max_abs_diff"] = float(np.abs(det_ref - det_tail).max()) if len(det_ref) else 0.0
    # Detections above 0.3 are what a user sees; they must match one-to-one.
    hi_ref, hi_tail = det_ref[det_ref[:, 2] > 0.3], det_tail[det_tail[:, 2] > 0.3]
    report["fused_dets_over_0.3_torch_vs_onnx"] = [int(len(hi_ref)), int(len(hi_tail))]
    report["fused_dets_over_0.3_max_abs_diff"] = (float(np.abs(hi_ref - hi_tail).max())
                                                  if len(hi_ref) == len(hi_tail) and len(hi_ref) else None)
    return report


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m refinedet.export",
                                description="Export a training checkpoint to raw and fused ONNX models")
    p.add_argument("checkpoint")
    p.add_argument("--out", default="../models", help="output folder")
    p.add_argument("--name", help="model name (va.name); default refinedet-<preset>")
    p.add_argument("--no-check", action="store_true", help="skip the consistency checks")
    p.add_argument("--sidecar", action="store_true",
                   help="also write <model>.json sidecars (the va. keys without the prefix, JSON values), "
                        "the form the engine reads for models exported by other tools")
    a = p.parse_args(argv)
    torch.set_num_threads(2)
    from .train import load_model
    net, priors, cfg, labels = load_model(a.checkpoint)
    ck = torch.load(a.checkpoint, map_location="cpu")
    name = a.name or f"refinedet-{ck['preset']}"
    os.makedirs(a.out, exist_ok=True)
    raw_path = os.path.join(a.out, name + ".onnx")
    fused_path = os.path.join(a.out, name + "-fused.onnx")
    export_raw(net, cfg, labels, name, raw_path)
    with tempfile.TemporaryDirectory() as tmp:
        pre_path = os.path.join(tmp, "pre.onnx")
        m = export_pre_nms(net, priors, cfg, pre_path)
        m = append_nms(m, priors.shape[0])
        set_metadata(m, metadata(cfg, labels, name, "fused"))
        onnx.save(m, fused_path)
        print(f"wrote {raw_path} ({os.path.getsize(raw_path) / 1e6:.1f} MB), "
              f"{fused_path} ({os.path.getsize(fused_path) / 1e6:.1f} MB)")
        if a.sidecar:
            for path, form in ((raw_path, "raw"), (fused_path, "fused")):
                write_sidecar(os.path.splitext(path)[0] + ".json", metadata(cfg, labels, name, form))
        if not a.no_check:
            print(json.dumps(check(net, priors, cfg, raw_path, pre_path, fused_path), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
