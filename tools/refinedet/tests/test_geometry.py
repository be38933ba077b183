"""Priors, IoU, encode/decode and matching."""
import math
import unittest

import torch

from refinedet.box_utils import center_to_corner, decode, encode, iou, match
from refinedet.priors import PRIOR_CONFIGS, prior_boxes


class PriorTests(unittest.TestCase):
    def test_counts(self):
        self.assertEqual(prior_boxes(PRIOR_CONFIGS["lite-320"]).shape, (6375, 4))
        self.assertEqual(prior_boxes(PRIOR_CONFIGS["vgg-320"]).shape, (6375, 4))
        self.assertEqual(prior_boxes(PRIOR_CONFIGS["vgg-512"]).shape, (16320, 4))

    def test_order_and_coordinates(self):
        cfg = PRIOR_CONFIGS["vgg-320"]
        p = prior_boxes(cfg)
        r = math.sqrt(2)
        # First location of layer 0: square, then (s*sqrt2, s/sqrt2), then (s/sqrt2, s*sqrt2).
        expected = [[4 / 320, 4 / 320, 32 / 320, 32 / 320],
                    [4 / 320, 4 / 320, 32 * r / 320, 32 / r / 320],
                    [4 / 320, 4 / 320, 32 / r / 320, 32 * r / 320]]
        torch.testing.assert_close(p[:3], torch.tensor(expected))
        # Row-major: anchor index ((i*W + j)*A + a); (i=2, j=5) on layer 0 (W=40, A=3).
        k = (2 * 40 + 5) * 3
        torch.testing.assert_close(p[k, :2], torch.tensor([5.5 * 8 / 320, 2.5 * 8 / 320]))
        # Layer 3 starts after 3*(1600+400+100); its size 256*sqrt2/320 > 1 is clipped to 1.
        k3 = 3 * (1600 + 400 + 100)
        torch.testing.assert_close(p[k3], torch.tensor([32 / 320, 32 / 320, 256 / 320, 256 / 320]))
        self.assertEqual(float(p[k3 + 1, 2]), 1.0)
        self.assertTrue(bool((p >= 0).all() and (p <= 1).all()))


class BoxTests(unittest.TestCase):
    def test_iou_against_brute_force(self):
        g = torch.Generator().manual_seed(0)
        a = torch.rand(30, 4, generator=g)
        b = torch.rand(20, 4, generator=g)
        a = torch.cat([torch.min(a[:, :2], a[:, 2:]), torch.max(a[:, :2], a[:, 2:])], 1)
        b = torch.cat([torch.min(b[:, :2], b[:, 2:]), torch.max(b[:, :2], b[:, 2:])], 1)
        m = iou(a, b)
        for i in range(30):
            for j in range(20):
                w = max(0.0, min(a[i, 2], b[j, 2]) - max(a[i, 0], b[j, 0]))
                h = max(0.0, min(a[i, 3], b[j, 3]) - max(a[i, 1], b[j, 1]))
                inter = w * h
                u = (a[i, 2] - a[i, 0]) * (a[i, 3] - a[i, 1]) + (b[j, 2] - b[j, 0]) * (b[j, 3] - b[j, 1]) - inter
                self.assertAlmostEqual(float(m[i, j]), float(inter / u), places=5)

    def test_encode_decode_round_trip(self):
        anchors = prior_boxes(PRIOR_CONFIGS["lite-320"])[::37]
        g = torch.Generator().manual_seed(1)
        c = torch.rand(len(anchors), 2, generator=g) * 0.8 + 0.1
        s = torch.rand(len(anchors), 2, generator=g) * 0.3 + 0.01
        gt = center_to_corner(torch.cat([c, s], 1))
        loc = encode(gt, anchors, (0.1, 0.2))
        back = center_to_corner(decode(loc, anchors, (0.1, 0.2)))
        torch.testing.assert_close(back, gt, atol=1e-5, rtol=1e-5)

    def test_decode_of_zero_is_the_anchor(self):
        anchors = prior_boxes(PRIOR_CONFIGS["lite-320"])
        torch.testing.assert_close(decode(torch.zeros_like(anchors), anchors, (0.1, 0.2)), anchors)


class MatchTests(unittest.TestCase):
    def setUp(self):
        # Four anchors: two overlapping gt 0 well, one overlapping nothing, one barely touching gt 1.
        self.anchors = torch.tensor([[0.25, 0.25, 0.2, 0.2], [0.26, 0.26, 0.2, 0.2], [0.8, 0.8, 0.1, 0.1],
                                     [0.6, 0.2, 0.3, 0.3]])
        self.gt = torch.tensor([[0.15, 0.15, 0.35, 0.35], [0.5, 0.1, 0.52, 0.12]])
        self.labels = torch.tensor([3, 5])

    def test_threshold_and_forced_best_anchor(self):
        loc, conf = match(self.gt, self.labels, self.anchors, 0.5, (0.1, 0.2))
        # Anchors 0 and 1 have IoU >= 0.5 with gt 0; anchor 2 is background; gt 1 (tiny) overlaps no
        # anchor at 0.5 but still claims its best one (anchor 3).
        self.assertEqual(conf.tolist(), [3, 3, 0, 5])
        torch.testing.assert_close(center_to_corner(decode(loc[3:4], self.anchors[3:4], (0.1, 0.2))),
                                   self.gt[1:2], atol=1e-5, rtol=1e-5)

    def test_no_ground_truth_is_all_background(self):
        loc, conf = match(torch.zeros((0, 4)), torch.zeros(0, dtype=torch.long), self.anchors, 0.5, (0.1, 0.2))
        self.assertEqual(conf.tolist(), [0, 0, 0, 0])
        self.assertEqual(float(loc.abs().sum()), 0.0)

    def test_each_gt_gets_an_anchor_even_when_another_gt_overlaps_more(self):
        anchors = torch.tensor([[0.5, 0.5, 0.4, 0.4], [0.9, 0.9, 0.1, 0.1]])
        gt = torch.tensor([[0.3, 0.3, 0.7, 0.7], [0.35, 0.35, 0.6, 0.6]])
        _, conf = match(gt, torch.tensor([1, 2]), anchors, 0.5, (0.1, 0.2))
        # Both gts have anchor 0 as best; the later one keeps it (deterministic), anchor 1 stays bg.
        self.assertEqual(conf.tolist(), [2, 0])


if __name__ == "__main__":
    unittest.main()
