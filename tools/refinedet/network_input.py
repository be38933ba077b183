"""The one definition of the network input, shared by training, evaluation, export checks and the C# engine.

    1. resize the uint8 BGR frame to (width, height) with cv2.resize(..., interpolation=cv2.INTER_LINEAR)
       (skipped when it already has that size: OpenCV would only copy it);
    2. take the channels in the model's order (BGR as decoded, or reversed to RGB);
    3. float32, subtract mean, divide by std, per channel in that order, each step in float32;
    4. HWC -> CHW.

The engine (Inference/Processing/FramePreprocessor.cs) implements exactly these steps through the same OpenCV
library (our shim over Debian's OpenCV 4.6, which python3-opencv uses too), and its golden test compares its
tensors bit for bit with tensors made here (tools/refinedet/golden_preprocess.py). Resizing in uint8 first and
converting afterwards is what PyTorch pipelines built on OpenCV do; interpolating in float instead differs by up
to 0.75 grey levels, enough to change detections. This module needs only numpy and cv2 (no torch), so tools that
check tensors do not have to import a training stack.
"""
import numpy as np
import cv2

BGR = "BGR"
RGB = "RGB"


def network_input(bgr, width, height, mean, std=(1.0, 1.0, 1.0), channel_order=BGR):
    """BGR uint8 HxWx3 image -> float32 [3, height, width] network input (see the module docstring).

    mean and std are per channel in the network's channel order, on the 0-255 scale."""
    if bgr.dtype != np.uint8 or bgr.ndim != 3 or bgr.shape[2] != 3:
        raise ValueError(f"expected a uint8 HxWx3 BGR image, got {bgr.dtype} {bgr.shape}")
    order = channel_order.upper()
    if order not in (BGR, RGB):
        raise ValueError(f"channel order must be BGR or RGB, got {channel_order!r}")
    if bgr.shape[0] != height or bgr.shape[1] != width:
        bgr = cv2.resize(np.ascontiguousarray(bgr), (width, height), interpolation=cv2.INTER_LINEAR)
    img = bgr[:, :, ::-1] if order == RGB else bgr
    x = img.astype(np.float32)
    # float32 operands keep numpy from promoting to float64 (a Python list of means would), which would round
    # differently from the engine's float32 arithmetic.
    x -= np.asarray(mean, np.float32)
    x /= np.asarray(std, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def input_spec(description):
    """(width, height, mean, std, channel_order) from a model description's keys, with or without the `va.`
    prefix, values as JSON text (ONNX metadata_props) or already parsed (a sidecar JSON). Defaults as the
    engine's ModelDescriptionReader: mean 0, std 1, BGR; width and height are required."""
    import json

    def get(key, default):
        for k in ("va." + key, key):
            if k in description:
                v = description[k]
                if isinstance(v, str) and key != "input.channel_order":
                    v = json.loads(v)
                return v
        if default is None:
            raise KeyError(f"model description has no {key}")
        return default

    return (int(get("input.width", None)), int(get("input.height", None)),
            [float(m) for m in get("input.mean", [0.0, 0.0, 0.0])],
            [float(s) for s in get("input.std", [1.0, 1.0, 1.0])],
            str(get("input.channel_order", BGR)).upper())
