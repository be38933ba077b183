"""Output shapes and the head-to-anchor layout the engine relies on."""
import unittest

import torch

from refinedet.model import RefineDet, SoftmaxOutputs
from refinedet.priors import PRIOR_CONFIGS, prior_boxes


class ModelTests(unittest.TestCase):
    def test_lite_shapes_and_softmax(self):
        torch.manual_seed(0)
        net = RefineDet("lite-320").eval()
        with torch.no_grad():
            outs = SoftmaxOutputs(net)(torch.randn(2, 3, 320, 320))
        self.assertEqual([tuple(o.shape) for o in outs], [(2, 6375, 4), (2, 6375, 2), (2, 6375, 4), (2, 6375, 7)])
        torch.testing.assert_close(outs[1].sum(-1), torch.ones(2, 6375))
        torch.testing.assert_close(outs[3].sum(-1), torch.ones(2, 6375))

    def test_vgg320_shapes(self):
        net = RefineDet("vgg-320", num_classes=21).eval()
        with torch.no_grad():
            outs = net(torch.zeros(1, 3, 320, 320))
        self.assertEqual([tuple(o.shape) for o in outs], [(1, 6375, 4), (1, 6375, 2), (1, 6375, 4), (1, 6375, 21)])

    def test_anchor_index_is_row_major_then_anchor(self):
        """Channel a*k+c of the layer-1 head at (i, j) must land at anchor 3*1600 + (i*20 + j)*3 + a,
        the anchor generated for that location and shape."""
        torch.manual_seed(0)
        net = RefineDet("lite-320").eval()
        captured = {}
        net.arm_loc[1].register_forward_hook(lambda m, i, o: captured.__setitem__("map", o))
        with torch.no_grad():
            arm_loc = net(torch.randn(1, 3, 320, 320))[0]
        fmap = captured["map"]  # [1, 3*4, 20, 20]
        for i, j, a in [(0, 0, 0), (0, 1, 2), (3, 7, 1), (19, 19, 2)]:
            idx = 3 * 1600 + (i * 20 + j) * 3 + a
            torch.testing.assert_close(arm_loc[0, idx], fmap[0, a * 4:(a + 1) * 4, i, j])
        priors = prior_boxes(PRIOR_CONFIGS["lite-320"])
        idx = 3 * 1600 + (3 * 20 + 7) * 3 + 1
        torch.testing.assert_close(priors[idx, :2], torch.tensor([7.5 * 16 / 320, 3.5 * 16 / 320]))
        self.assertGreater(float(priors[idx, 2]), float(priors[idx, 3]))  # a=1 is the wide anchor


if __name__ == "__main__":
    unittest.main()
