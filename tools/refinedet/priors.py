"""Anchor (prior box) generation, in the exact order the C# engine expects (models/README.md)."""
import itertools
import math

import torch

# Per-preset anchor configuration. These values are written into the ONNX metadata by export.py, so the
# engine never has to guess them. lite-320 uses anchors half the paper's size: the synthetic scenes are
# 16:9 frames squashed into a square input, so a 16..320 px object in 1280x720 becomes 4..142 px at 320,
# and 32 px anchors on the stride-8 layer would leave the smallest objects without a decent match.
PRIOR_CONFIGS = {
    "lite-320": dict(size=320, feature_maps=[40, 20, 10, 5], steps=[8, 16, 32, 64],
                     min_sizes=[16, 32, 64, 128], max_sizes=[], aspect_ratios=[[2], [2], [2], [2]],
                     variance=[0.1, 0.2], clip=True),
    "vgg-320": dict(size=320, feature_maps=[40, 20, 10, 5], steps=[8, 16, 32, 64],
                    min_sizes=[32, 64, 128, 256], max_sizes=[], aspect_ratios=[[2], [2], [2], [2]],
                    variance=[0.1, 0.2], clip=True),
    "vgg-512": dict(size=512, feature_maps=[64, 32, 16, 8], steps=[8, 16, 32, 64],
                    min_sizes=[32, 64, 128, 256], max_sizes=[], aspect_ratios=[[2], [2], [2], [2]],
                    variance=[0.1, 0.2], clip=True),
}


def anchors_per_location(cfg, k=0):
    """1 square anchor + optional sqrt(min*max) anchor + 2 per aspect ratio."""
    return 1 + (1 if cfg["max_sizes"] else 0) + 2 * len(cfg["aspect_ratios"][k])


def prior_boxes(cfg, width=None, height=None):
    """Return anchors as a [P,4] float tensor in centre form (cx, cy, w, h), normalized to [0,1].

    Order: source layer k, row i, column j, then per location the square min_size anchor, the optional
    sqrt(min*max) anchor, then for each ratio r: (s*sqrt(r), s/sqrt(r)) and (s/sqrt(r), s*sqrt(r)).
    Like the reference implementation, clipping clamps the centre-form values themselves.
    """
    width = width or cfg["size"]
    height = height or cfg["size"]
    out = []
    for k, fmap in enumerate(cfg["feature_maps"]):
        step = cfg["steps"][k]
        s = cfg["min_sizes"][k]
        for i, j in itertools.product(range(fmap), repeat=2):
            cx = (j + 0.5) * step / width
            cy = (i + 0.5) * step / height
            out.append([cx, cy, s / width, s / height])
            if cfg["max_sizes"]:
                sp = math.sqrt(s * cfg["max_sizes"][k])
                out.append([cx, cy, sp / width, sp / height])
            for r in cfg["aspect_ratios"][k]:
                rr = math.sqrt(r)
                out.append([cx, cy, s * rr / width, s / rr / height])
                out.append([cx, cy, s / rr / width, s * rr / height])
    priors = torch.tensor(out, dtype=torch.float32)
    if cfg["clip"]:
        priors.clamp_(min=0.0, max=1.0)
    return priors
