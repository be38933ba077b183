"""SSD layouts, the reference Detect against an independent torchvision implementation, and the C# fixture."""
import json
import os
import tempfile
import unittest

import numpy as np
import torch
from torchvision.ops import batched_nms

from refinedet.box_utils import center_to_corner, decode
from refinedet.priors import prior_boxes
from refinedet.ssd import SSD_LAYOUTS, TinySsd, golden, reference_detect

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Tests", "Data", "ssd-tiny.golden.json")


class SsdLayoutTests(unittest.TestCase):
    def test_prior_counts_are_the_papers(self):
        self.assertEqual(prior_boxes(SSD_LAYOUTS["ssd300"]).shape[0], 8732)
        self.assertEqual(prior_boxes(SSD_LAYOUTS["ssd512"]).shape[0], 24564)

    def test_tiny_network_emits_one_row_per_prior(self):
        for name, layout in SSD_LAYOUTS.items():
            with self.subTest(name):
                net = TinySsd(layout, 5).eval()
                with torch.no_grad():
                    loc, conf = net(torch.zeros(1, 3, layout["size"], layout["size"]))
                p = prior_boxes(layout).shape[0]
                self.assertEqual(tuple(loc.shape), (1, p, 4))
                self.assertEqual(tuple(conf.shape), (1, p, 5))


class ReferenceDetectTests(unittest.TestCase):
    def test_matches_torchvision_batched_nms(self):
        g = torch.Generator().manual_seed(7)
        priors = prior_boxes(SSD_LAYOUTS["ssd300"])
        p, c = priors.shape[0], 4
        loc = torch.randn(p, 4, generator=g)
        conf = (torch.randn(p, c, generator=g) * 2).softmax(-1)
        ours = np.array(reference_detect(loc.numpy(), conf.numpy(), priors.numpy(), (0.1, 0.2), 640, 480,
                                         top_k=200, keep_top_k=300, confidence=0.05))
        # Independent: torch decode, per-class top-k, torchvision's batched NMS, global keep-top-k.
        boxes = center_to_corner(decode(loc, priors, (0.1, 0.2)))
        cand = []
        for k in range(1, c):
            s = conf[:, k]
            idx = torch.nonzero(s > 0.05).squeeze(1)
            idx = idx[s[idx].argsort(descending=True)][:200]
            cand += [(k, int(i)) for i in idx]
        cls = torch.tensor([k for k, _ in cand])
        idx = torch.tensor([i for _, i in cand])
        scores = conf[idx, cls]
        keep = batched_nms(boxes[idx], scores, cls, 0.45)[:300]
        ref_boxes = (boxes[idx[keep]] * torch.tensor([640, 480, 640, 480])).clamp(min=0)
        ref_boxes = torch.minimum(ref_boxes, torch.tensor([640.0, 480, 640, 480]))
        ref = torch.cat([cls[keep, None].float(), scores[keep, None], ref_boxes], 1).numpy()
        self.assertEqual(len(ours), 300)  # keep-top-k binds
        np.testing.assert_allclose(ours, ref, atol=1e-4)


class FixtureTests(unittest.TestCase):
    def test_committed_fixture_is_what_the_tool_writes(self):
        """Tests/Data/ssd-tiny.* must come from `python3 -m refinedet.ssd golden`: regenerate and compare."""
        with open(FIXTURE) as f:
            committed = json.load(f)
        with tempfile.TemporaryDirectory() as tmp:
            fresh = golden(tmp)[3]
        for key in ("priors", "classes", "width", "height", "frame_bgr"):
            self.assertEqual(committed[key], fresh[key], key)
        for key in ("reference", "fused_reference"):
            self.assertEqual(len(committed[key]), len(fresh[key]), key)
            np.testing.assert_allclose(np.array(committed[key]), np.array(fresh[key]), atol=1e-5)


if __name__ == "__main__":
    unittest.main()
