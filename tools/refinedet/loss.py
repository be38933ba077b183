"""RefineDet multi-task loss: ARM (binary objectness + anchor regression) and ODM (C-way softmax +
regression of the ARM-refined anchors), both with 3:1 hard negative mining.

Negative-anchor filtering: anchors whose ARM objectness is <= filter_threshold are ignored by the ODM
loss, exactly as inference drops them, so the ODM never spends capacity on anchors it will never see.
"""
import torch
import torch.nn.functional as F

from .box_utils import decode, match

IGNORE = -1


def mine_hard_negatives(ce, conf_t, neg_pos):
    """Select, per image, the neg_pos * num_pos highest-loss negatives (at least neg_pos when an image has
    no positives, so empty scenes still teach "background"). Ignored anchors are never selected.

    ce: [B,P] per-anchor cross-entropy; conf_t: [B,P] with IGNORE for ignored anchors.
    Returns a bool mask [B,P] of selected negatives.
    """
    pos = conf_t > 0
    candidate = conf_t == 0
    rank_loss = ce.detach().clone()
    rank_loss[~candidate] = -1.0  # cross-entropy >= 0, so non-candidates sort last
    order = rank_loss.argsort(dim=1, descending=True)
    rank = order.argsort(dim=1)
    num_neg = (neg_pos * pos.sum(dim=1, keepdim=True).clamp(min=1))
    num_neg = torch.min(num_neg, candidate.sum(dim=1, keepdim=True))
    return (rank < num_neg) & candidate


def multibox_loss(loc_p, conf_p, loc_t, conf_t, neg_pos=3):
    """Smooth-L1 on positives + cross-entropy on positives and mined negatives, summed (not averaged).
    Returns (loc_loss, conf_loss, num_pos)."""
    pos = conf_t > 0
    num_pos = int(pos.sum())
    loc_loss = F.smooth_l1_loss(loc_p[pos], loc_t[pos], reduction="sum") if num_pos else loc_p.sum() * 0
    target = conf_t.clamp(min=0)
    ce = F.cross_entropy(conf_p.reshape(-1, conf_p.shape[-1]), target.reshape(-1), reduction="none")
    ce = ce.view(conf_t.shape)
    neg = mine_hard_negatives(ce, conf_t, neg_pos)
    conf_loss = ce[pos | neg].sum()
    return loc_loss, conf_loss, num_pos


class RefineDetLoss(torch.nn.Module):
    def __init__(self, priors, num_classes, variance=(0.1, 0.2), threshold=0.5, neg_pos=3,
                 filter_threshold=0.01):
        super().__init__()
        self.register_buffer("priors", priors)
        self.num_classes = num_classes
        self.variance = variance
        self.threshold = threshold
        self.neg_pos = neg_pos
        self.filter_threshold = filter_threshold

    def build_targets(self, arm_loc, arm_conf, targets):
        """Per-image matching. targets: list of [n,5] tensors (x1,y1,x2,y2 normalized, class id >= 1)."""
        B, P = arm_loc.shape[:2]
        dev = arm_loc.device
        arm_loc_t = torch.zeros(B, P, 4, device=dev)
        arm_conf_t = torch.zeros(B, P, dtype=torch.long, device=dev)
        odm_loc_t = torch.zeros(B, P, 4, device=dev)
        odm_conf_t = torch.zeros(B, P, dtype=torch.long, device=dev)
        with torch.no_grad():
            refined = decode(arm_loc.detach(), self.priors.unsqueeze(0), self.variance)  # [B,P,4] centre
            objectness = F.softmax(arm_conf.detach(), dim=-1)[..., 1]
            for b, t in enumerate(targets):
                t = t.to(dev)
                boxes, labels = t[:, :4], t[:, 4].long()
                loc, conf = match(boxes, (labels > 0).long(), self.priors, self.threshold, self.variance)
                arm_loc_t[b], arm_conf_t[b] = loc, conf
                loc, conf = match(boxes, labels, refined[b], self.threshold, self.variance)
                odm_loc_t[b], odm_conf_t[b] = loc, conf
            odm_conf_t[objectness <= self.filter_threshold] = IGNORE
        return arm_loc_t, arm_conf_t, odm_loc_t, odm_conf_t

    def forward(self, outputs, targets):
        arm_loc, arm_conf, odm_loc, odm_conf = outputs
        arm_loc_t, arm_conf_t, odm_loc_t, odm_conf_t = self.build_targets(arm_loc, arm_conf, targets)
        arm_l, arm_c, arm_n = multibox_loss(arm_loc, arm_conf, arm_loc_t, arm_conf_t, self.neg_pos)
        odm_l, odm_c, odm_n = multibox_loss(odm_loc, odm_conf, odm_loc_t, odm_conf_t, self.neg_pos)
        arm_n = max(arm_n, 1)
        odm_n = max(odm_n, 1)
        return {"arm_loc": arm_l / arm_n, "arm_conf": arm_c / arm_n,
                "odm_loc": odm_l / odm_n, "odm_conf": odm_c / odm_n}
