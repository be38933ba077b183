"""Golden network-input tensors for the engine's pre-processing test (Tests/Inference/PreprocessGoldenTests.cs).

    cd tools && /usr/bin/python3 -m refinedet.golden_preprocess            # rewrites the golden file
    cd tools && /usr/bin/python3 -m refinedet.golden_preprocess --check    # exit 1 if it would change

Frames of the demo media are decoded with cv2 and turned into network inputs by network_input.network_input, the
definition the engine shares, for the shipped model's description at its own size and at 512, and for two RGB
descriptions (the reference port's mean order, and a mean/std one whose division rounds). A 320x320 float32 tensor
is 1.2 MB, so the file keeps, per tensor, the SHA-256 of its little-endian float32 bytes (any one-bit difference
changes it) and a few values at fixed positions as float32 bit patterns (they say where a difference is when the
hash does not match). Each decoded frame's SHA-256 is kept too, so that a difference in decoding is reported as
such, not as one in pre-processing.
"""
import argparse
import hashlib
import json
import os
import sys

import cv2
import numpy as np

from .network_input import input_spec, network_input

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDEN = "Tests/Inference/Golden/preprocess-demo.json"
FRAMES = {"models/demo.mp4": [0, 150, 300], "models/heldout.mp4": [120]}
SHIPPED = "models/refinedet-lite-320.onnx"
SAMPLES = 12


def shipped_description():
    import onnx

    model = onnx.load(os.path.join(ROOT, SHIPPED), load_external_data=False)
    return {p.key: p.value for p in model.metadata_props}


def cases():
    width, height, mean, std, order = input_spec(shipped_description())
    return [
        {"name": "refinedet-lite-320", "model": SHIPPED, "width": width, "height": height,
         "channel_order": order, "mean": mean, "std": std},
        {"name": "refinedet-lite-320 at 512", "model": SHIPPED, "width": 512, "height": 512,
         "channel_order": order, "mean": mean, "std": std},
        {"name": "port-style RGB 512", "model": None, "width": 512, "height": 512,
         "channel_order": "RGB", "mean": [123.0, 117.0, 104.0], "std": [1.0, 1.0, 1.0]},
        {"name": "RGB mean/std 384x256", "model": None, "width": 384, "height": 256,
         "channel_order": "RGB", "mean": [123.675, 116.28, 103.53], "std": [58.395, 57.12, 57.375]},
    ]


def read_frames(video, indices):
    cap = cv2.VideoCapture(os.path.join(ROOT, video))
    if not cap.isOpened():
        raise IOError(f"cannot open {video}")
    frames, k = {}, 0
    while len(frames) < len(indices):
        ok, frame = cap.read()
        if not ok:
            raise IOError(f"{video} ended at frame {k}, before {max(indices)}")
        if k in indices:
            frames[k] = frame
        k += 1
    return frames


def tensor_bytes(x):
    return np.ascontiguousarray(x, dtype="<f4").tobytes()


def sample_positions(length, seed):
    # Fixed positions per tensor; the first and last value of the tensor are always among them.
    rng = np.random.default_rng(seed)
    return sorted({0, length - 1, *(int(i) for i in rng.integers(0, length, SAMPLES - 2))})


def build():
    frames = {v: read_frames(v, ix) for v, ix in FRAMES.items()}
    videos = [{"file": v, "frames": [{"index": i, "width": int(f.shape[1]), "height": int(f.shape[0]),
                                      "sha256": hashlib.sha256(np.ascontiguousarray(f).tobytes()).hexdigest()}
                                     for i, f in sorted(frames[v].items())]} for v in FRAMES]
    out = []
    for n, case in enumerate(cases()):
        tensors = []
        for vi, v in enumerate(FRAMES):
            for i, frame in sorted(frames[v].items()):
                x = network_input(frame, case["width"], case["height"], case["mean"], case["std"],
                                  case["channel_order"])
                flat = x.reshape(-1)
                positions = sample_positions(flat.size, [n, vi, i])
                tensors.append({
                    "video": v, "frame": i,
                    "sha256": hashlib.sha256(tensor_bytes(x)).hexdigest(),
                    "samples": [[p, f"{int(flat[p:p + 1].view(np.uint32)[0]):08x}"] for p in positions],
                })
        out.append({**case, "tensors": tensors})
    return {
        "about": "network-input tensors by tools/refinedet/network_input.py; regenerate with "
                 "`cd tools && /usr/bin/python3 -m refinedet.golden_preprocess`",
        "opencv": cv2.__version__,
        "videos": videos,
        "cases": out,
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    args = ap.parse_args(argv)
    text = json.dumps(build(), indent=1) + "\n"
    path = os.path.join(ROOT, GOLDEN)
    if args.check:
        with open(path) as f:
            same = f.read() == text
        print(f"{GOLDEN}: {'up to date' if same else 'differs from what this machine generates'}")
        return 0 if same else 1
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {GOLDEN} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
