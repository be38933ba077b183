"""Hard negative mining ratio and negative-anchor filtering."""
import unittest

import torch

from refinedet.loss import IGNORE, RefineDetLoss, mine_hard_negatives, multibox_loss
from refinedet.priors import PRIOR_CONFIGS, prior_boxes


class MiningTests(unittest.TestCase):
    def test_three_negatives_per_positive_hardest_first(self):
        P = 50
        conf_t = torch.zeros(2, P, dtype=torch.long)
        conf_t[0, :4] = 1  # 4 positives -> 12 negatives
        conf_t[1, 0] = 2  # 1 positive -> 3 negatives
        ce = torch.arange(P, dtype=torch.float).repeat(2, 1)
        neg = mine_hard_negatives(ce, conf_t, 3)
        self.assertEqual(neg.sum(1).tolist(), [12, 3])
        self.assertEqual(neg[0].nonzero().flatten().tolist(), list(range(38, 50)))  # highest losses
        self.assertFalse(bool((neg & (conf_t > 0)).any()))

    def test_ignored_anchors_are_never_mined(self):
        P = 20
        conf_t = torch.zeros(1, P, dtype=torch.long)
        conf_t[0, 0] = 1
        conf_t[0, 15:] = IGNORE  # the five highest-loss anchors are ignored
        ce = torch.arange(P, dtype=torch.float)[None]
        neg = mine_hard_negatives(ce, conf_t, 3)
        self.assertEqual(neg[0].nonzero().flatten().tolist(), [12, 13, 14])

    def test_image_without_objects_still_gets_negatives(self):
        conf_t = torch.zeros(1, 10, dtype=torch.long)
        neg = mine_hard_negatives(torch.rand(1, 10), conf_t, 3)
        self.assertEqual(int(neg.sum()), 3)


class FilteringTests(unittest.TestCase):
    def setUp(self):
        self.priors = prior_boxes(PRIOR_CONFIGS["lite-320"])
        self.P = self.priors.shape[0]
        self.crit = RefineDetLoss(self.priors, 7)
        self.target = [torch.tensor([[0.2, 0.2, 0.4, 0.5, 3.0]])]

    def test_low_objectness_anchors_are_ignored_by_odm(self):
        arm_loc = torch.zeros(1, self.P, 4)
        arm_conf = torch.zeros(1, self.P, 2)
        arm_conf[0, :100, 0] = 10.0  # objectness ~4.5e-5 <= 0.01 on the first 100 anchors
        _, arm_conf_t, _, odm_conf_t = self.crit.build_targets(arm_loc, arm_conf, self.target)
        self.assertTrue(bool((odm_conf_t[0, :100] == IGNORE).all()))
        self.assertFalse(bool((odm_conf_t[0, 100:] == IGNORE).any()))
        self.assertFalse(bool((arm_conf_t == IGNORE).any()))  # the ARM never ignores

    def test_filtered_anchors_do_not_change_odm_loss(self):
        arm_loc = torch.zeros(1, self.P, 4)
        arm_conf = torch.zeros(1, self.P, 2)
        arm_conf[0, -500:, 0] = 10.0  # filter the last 500 anchors (far from the object)
        g = torch.Generator().manual_seed(0)
        odm = [torch.randn(1, self.P, 4, generator=g), torch.randn(1, self.P, 7, generator=g)]
        base = self.crit([arm_loc, arm_conf, odm[0], odm[1]], self.target)
        # Make the filtered anchors' ODM predictions terrible: the ODM loss must not move.
        bad = odm[1].clone()
        bad[0, -500:, 0] = -50.0
        after = self.crit([arm_loc, arm_conf, odm[0], bad], self.target)
        self.assertAlmostEqual(float(base["odm_conf"]), float(after["odm_conf"]), places=5)
        # Without the filter, the same change raises the loss (mining picks those anchors).
        arm_conf2 = torch.zeros(1, self.P, 2)
        after2 = self.crit([arm_loc, arm_conf2, odm[0], bad], self.target)
        self.assertGreater(float(after2["odm_conf"]), float(base["odm_conf"]) + 1.0)

    def test_loss_is_finite_and_normalized_by_positives(self):
        loc_p = torch.zeros(1, 8, 4)
        conf_p = torch.zeros(1, 8, 2)
        loc_t = torch.ones(1, 8, 4)
        conf_t = torch.tensor([[1, 1, 0, 0, 0, 0, 0, 0]])
        l, c, n = multibox_loss(loc_p, conf_p, loc_t, conf_t)
        self.assertEqual(n, 2)
        self.assertAlmostEqual(float(l), 2 * 4 * 0.5, places=5)  # smooth-L1(1) = 0.5
        # 2 positives + min(6, 6 negatives) mined, each CE = ln 2.
        self.assertAlmostEqual(float(c), 8 * 0.693147, places=4)


if __name__ == "__main__":
    unittest.main()
