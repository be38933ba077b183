"""Box geometry shared by the loss, the reference decoder and the tests.

All boxes are normalized to [0,1]. "Centre form" is (cx, cy, w, h); "corner form" is (x1, y1, x2, y2).
"""
import torch


def center_to_corner(b):
    return torch.cat([b[..., :2] - b[..., 2:] / 2, b[..., :2] + b[..., 2:] / 2], dim=-1)


def corner_to_center(b):
    return torch.cat([(b[..., :2] + b[..., 2:]) / 2, b[..., 2:] - b[..., :2]], dim=-1)


def iou(a, b):
    """Pairwise IoU of corner-form boxes a [N,4] and b [M,4] -> [N,M]."""
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    inter = (rb - lt).clamp(min=0).prod(dim=-1)
    area_a = (a[:, 2:] - a[:, :2]).clamp(min=0).prod(dim=-1)
    area_b = (b[:, 2:] - b[:, :2]).clamp(min=0).prod(dim=-1)
    return inter / (area_a[:, None] + area_b[None, :] - inter).clamp(min=1e-12)


def encode(gt_corner, anchors, variance):
    """Regression targets of corner-form ground truth w.r.t. centre-form anchors (same length)."""
    g = corner_to_center(gt_corner)
    wh = anchors[:, 2:].clamp(min=1e-6)
    d_c = (g[:, :2] - anchors[:, :2]) / (variance[0] * wh)
    d_s = torch.log(g[:, 2:].clamp(min=1e-6) / wh) / variance[1]
    return torch.cat([d_c, d_s], dim=-1)


def decode(loc, anchors, variance):
    """Inverse of encode; returns centre form. Broadcasts over leading dims of loc/anchors."""
    c = anchors[..., :2] + loc[..., :2] * variance[0] * anchors[..., 2:]
    s = anchors[..., 2:] * torch.exp(loc[..., 2:] * variance[1])
    return torch.cat([c, s], dim=-1)


def match(gt_corner, labels, anchors, threshold, variance):
    """SSD/RefineDet matching for one image.

    Every ground truth first claims its best-overlapping anchor (so even a tiny object gets one), then any
    anchor with IoU >= threshold to some ground truth is matched to its best ground truth.
    Returns (loc_t [P,4], conf_t [P] long, 0 = background).
    """
    num = anchors.shape[0]
    if gt_corner.numel() == 0:
        return anchors.new_zeros((num, 4)), torch.zeros(num, dtype=torch.long, device=anchors.device)
    overlaps = iou(gt_corner, center_to_corner(anchors))  # [G,P]
    best_anchor_for_gt = overlaps.argmax(dim=1)  # [G]
    best_gt_iou, best_gt = overlaps.max(dim=0)  # [P]
    # Forced matches win over threshold matches; a later gt overrides an earlier one on a shared anchor.
    best_gt_iou[best_anchor_for_gt] = 2.0
    for g in range(best_anchor_for_gt.shape[0]):
        best_gt[best_anchor_for_gt[g]] = g
    conf = labels[best_gt].clone().long()
    conf[best_gt_iou < threshold] = 0
    loc = encode(gt_corner[best_gt], anchors, variance)
    return loc, conf
