"""Reference post-processing vs the fused graph's NMS semantics, and the mAP evaluator."""
import unittest

import numpy as np
import torch

from refinedet.evaluate import KEEP_TOP_K, TOP_K_PER_CLASS, evaluate, postprocess
from refinedet.export import keep_top_per_image, pre_nms, run_tail_numpy
from refinedet.priors import PRIOR_CONFIGS, prior_boxes


class PostprocessTests(unittest.TestCase):
    def test_torch_reference_matches_onnx_tail_semantics(self):
        g = torch.Generator().manual_seed(3)
        priors = prior_boxes(PRIOR_CONFIGS["lite-320"])
        B, P = 2, priors.shape[0]
        # Continuous random head outputs: no score ties, so both sides must agree row for row.
        arm_loc, odm_loc = torch.randn(B, P, 4, generator=g), torch.randn(B, P, 4, generator=g)
        arm_conf = (torch.randn(B, P, 2, generator=g) * 3).softmax(-1)
        odm_conf = (torch.randn(B, P, 7, generator=g) * 2 - torch.tensor([3.0, 0, 0, 0, 0, 0, 0])).softmax(-1)
        boxes, scores = pre_nms(arm_loc, arm_conf, odm_loc, odm_conf, priors.unsqueeze(0), (0.1, 0.2))
        ref = postprocess(arm_loc, arm_conf, odm_loc, odm_conf, priors).numpy()
        tail = run_tail_numpy(boxes.numpy(), scores.numpy())
        # Both caps bind on this input: more than top-k candidates per class enter, more than keep-top-k
        # detections per image leave the graph's NMS.
        self.assertTrue(((scores > 0.01).sum(-1) > TOP_K_PER_CLASS).all())
        self.assertTrue(all((tail[:, 0] == b).sum() > KEEP_TOP_K for b in range(B)))
        tail = keep_top_per_image(tail)
        # Equal scores happen (float32 softmax); order those by box so the comparison is row for row.
        key = lambda d: d[np.lexsort((d[:, 4], d[:, 3], -d[:, 2], d[:, 1], d[:, 0]))]
        self.assertEqual(len(ref), B * KEEP_TOP_K)
        self.assertEqual(len(ref), len(tail))
        np.testing.assert_allclose(key(ref), key(tail), atol=1e-5)
        # Negative-anchor filtering: nothing survives from anchors with objectness <= 0.01.
        self.assertEqual(float(scores.transpose(1, 2)[arm_conf[..., 1] <= 0.01].abs().sum()), 0.0)


class EvaluateTests(unittest.TestCase):
    def setUp(self):
        self.gt = [[(1, [10, 10, 50, 50]), (2, [100, 100, 150, 140])], [(1, [200, 200, 260, 260])]]

    def test_perfect_detections(self):
        dets = [np.array([[1, 0.9, 10, 10, 50, 50], [2, 0.8, 100, 100, 150, 140]]),
                np.array([[1, 0.7, 200, 200, 260, 260]])]
        r = evaluate(dets, self.gt, 3)
        self.assertAlmostEqual(r["mAP50"], 1.0)
        self.assertAlmostEqual(r["AP"], 1.0)

    def test_missed_object_and_loose_box(self):
        # Class 1: one of two found (AP50 0.5); class 2: box with IoU ~0.6 counts at 0.5, not at 0.75.
        dets = [np.array([[1, 0.9, 10, 10, 50, 50], [2, 0.8, 100, 100, 150, 170]]), np.zeros((0, 6))]
        r = evaluate(dets, self.gt, 3)
        self.assertAlmostEqual(r["per_class_AP50"][1], 0.5)
        self.assertAlmostEqual(r["per_class_AP50"][2], 1.0)
        self.assertLess(r["AP"], 0.6)

    def test_false_positive_ranked_first_lowers_precision(self):
        dets = [np.array([[1, 0.95, 300, 300, 340, 340], [1, 0.9, 10, 10, 50, 50]]),
                np.array([[1, 0.7, 200, 200, 260, 260]])]
        r = evaluate(dets, [[g for g in self.gt[0] if g[0] == 1], self.gt[1]], 2)
        # Precision 0, 1/2, 2/3 at recall 0, 1/2, 1; the interpolated envelope is 2/3 everywhere.
        self.assertAlmostEqual(r["mAP50"], 2 / 3, places=5)


if __name__ == "__main__":
    unittest.main()
