"""The "bring your own RefineDet" worked example: the sidecar follows from the port's training transform, and the
exported heads are the port's train-phase outputs + softmax."""
import json
import os
import tempfile
import unittest

import numpy as np
import onnx
from onnx import numpy_helper
import torch

from refinedet import synthetic
from refinedet.model import SoftmaxOutputs
from refinedet.priors import PRIOR_CONFIGS, prior_boxes
from refinedet.thirdparty import (TINY_NAME, VOC_LABELS, described_input, main, port_detect, port_transform,
                                   reference_detections, sidecar, stand_in_network, tiny_port_network, write_fixture)

FIXTURE_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Tests", "Data")


class SidecarFollowsTrainingCodeTests(unittest.TestCase):
    def setUp(self):
        self.image = synthetic.generate_image(4242)[0]
        self.cfg = PRIOR_CONFIGS["vgg-320"]

    def test_the_sidecar_gives_exactly_the_ports_network_input(self):
        ours = described_input(self.image, sidecar(self.cfg, VOC_LABELS))
        np.testing.assert_array_equal(ours.numpy(), port_transform(self.image, 320).numpy())

    def test_the_old_guidance_bgr_104_117_123_does_not(self):
        wrong = dict(sidecar(self.cfg, VOC_LABELS), **{"input.channel_order": "BGR", "input.mean": [104, 117, 123]})
        diff = np.abs(described_input(self.image, wrong).numpy() - port_transform(self.image, 320).numpy())
        self.assertGreater(diff.max(), 50)  # red and blue exchanged

    def test_the_sidecar_has_no_name_key(self):
        self.assertNotIn("name", sidecar(self.cfg, VOC_LABELS))


class WorkedExampleTests(unittest.TestCase):
    def test_exports_heads_without_metadata_and_a_complete_sidecar(self):
        with tempfile.TemporaryDirectory() as out:
            main(["--preset", "lite-320", "--out", out, "--name", "byo", "--seed", "3"])
            model = onnx.load(os.path.join(out, "byo.onnx"))
            with open(os.path.join(out, "byo.json")) as f:
                description = json.load(f)
            self.assertEqual([o.name for o in model.graph.output], ["arm_loc", "arm_conf", "odm_loc", "odm_conf"])
            self.assertEqual([i.name for i in model.graph.input], ["images"])
            self.assertFalse(any(p.key.startswith("va.") for p in model.metadata_props))
            self.assertEqual(description["input.channel_order"], "RGB")
            self.assertEqual(description["input.mean"], [123, 117, 104])
            anchors = prior_boxes(PRIOR_CONFIGS["lite-320"]).shape[0]
            dims = [[d.dim_value for d in o.type.tensor_type.shape.dim][1:] for o in model.graph.output]
            self.assertEqual(dims, [[anchors, 4], [anchors, 2], [anchors, 4], [anchors, len(VOC_LABELS)]])
            # The graph computes the train-phase heads with softmax: compare with PyTorch via OpenCV's runtime.
            import cv2
            net = stand_in_network("lite-320", 3)
            x = port_transform(synthetic.generate_image(7)[0], 320)
            with torch.no_grad():
                expected = [t.numpy() for t in SoftmaxOutputs(net)(x)]
            runner = cv2.dnn.readNetFromONNX(os.path.join(out, "byo.onnx"))
            runner.setInput(x.numpy())
            got = runner.forward(["arm_loc", "arm_conf", "odm_loc", "odm_conf"])
            for g, e in zip(got, expected):
                np.testing.assert_allclose(np.asarray(g), e, atol=1e-4)


class TinyPortFixtureTests(unittest.TestCase):
    """Tests/Data/refinedet-port-tiny.* (the fixture of Tests/Gateway/ThirdPartyDetectTests.cs)."""

    @classmethod
    def setUpClass(cls):
        with open(os.path.join(FIXTURE_DIR, TINY_NAME + ".golden.json")) as f:
            cls.committed = json.load(f)
        with open(os.path.join(FIXTURE_DIR, TINY_NAME + ".json")) as f:
            cls.description = json.load(f)
        cls.net = tiny_port_network(cls.committed["seed"])

    def _image(self, k):
        import cv2
        return cv2.imread(os.path.join(FIXTURE_DIR, self.committed["images"][k]["file"]), cv2.IMREAD_COLOR)

    def test_committed_fixture_is_what_the_tool_writes(self):
        """Regenerate with `python3 -m refinedet.thirdparty --tiny --fixture` and compare every file's content."""
        import cv2
        with tempfile.TemporaryDirectory() as tmp:
            fresh = write_fixture(tmp)
            with open(os.path.join(tmp, TINY_NAME + ".json")) as f:
                self.assertEqual(self.description, json.load(f))
            ours, theirs = (onnx.load(os.path.join(d, TINY_NAME + ".onnx")) for d in (FIXTURE_DIR, tmp))
            self.assertEqual([i.name for i in ours.graph.initializer], [i.name for i in theirs.graph.initializer])
            for a, b in zip(ours.graph.initializer, theirs.graph.initializer):
                np.testing.assert_array_equal(numpy_helper.to_array(a), numpy_helper.to_array(b), a.name)
            self.assertEqual([n.op_type for n in ours.graph.node], [n.op_type for n in theirs.graph.node])
            for k, image in enumerate(fresh["images"]):
                np.testing.assert_array_equal(self._image(k), cv2.imread(os.path.join(tmp, image["file"])))
        self.assertEqual(self.committed["seed"], fresh["seed"])
        self.assertEqual(len(self.committed["images"]), len(fresh["images"]))
        for old, new in zip(self.committed["images"], fresh["images"]):
            self.assertEqual({k: v for k, v in old.items() if k != "detections"},
                             {k: v for k, v in new.items() if k != "detections"})
            self.assertEqual([r[0] for r in old["detections"]], [r[0] for r in new["detections"]], old["file"])
            np.testing.assert_allclose(np.array(old["detections"]), np.array(new["detections"]), atol=1e-6)

    def test_each_image_has_a_few_dozen_detections_of_several_classes(self):
        for image in self.committed["images"]:
            rows = image["detections"]
            self.assertTrue(20 <= len(rows) < self.description["postprocess.keep_top_k"], (image["file"], len(rows)))
            self.assertGreater(len({r[0] for r in rows}), 1)
            self.assertTrue(all(r[1] > self.description["postprocess.confidence"] for r in rows))
            self.assertEqual([r[1] for r in rows], sorted((r[1] for r in rows), reverse=True))
            w, h = image["width"], image["height"]
            self.assertTrue(all(0 <= r[2] <= r[4] <= w and 0 <= r[3] <= r[5] <= h for r in rows))

    def test_the_model_is_the_ports_layout_without_metadata(self):
        model = onnx.load(os.path.join(FIXTURE_DIR, TINY_NAME + ".onnx"))
        self.assertFalse(any(p.key.startswith("va.") for p in model.metadata_props))
        self.assertNotIn("name", self.description)
        self.assertEqual((self.description["input.channel_order"], self.description["input.mean"]),
                         ("RGB", [123, 117, 104]))
        self.assertEqual([o.name for o in model.graph.output], ["arm_loc", "arm_conf", "odm_loc", "odm_conf"])
        # Not run here: OpenCV 4.6's importer lacks the opset-13 ReduceSum of the port's L2Norm. ONNX Runtime runs
        # it in Tests/Gateway/ThirdPartyDetectTests.cs, which needs the four outputs with P = 6375 rows.
        self.assertLess(os.path.getsize(os.path.join(FIXTURE_DIR, TINY_NAME + ".onnx")), 500_000)

    def test_the_reference_input_is_the_ports_transform(self):
        image = self._image(0)
        np.testing.assert_array_equal(described_input(image, self.description).numpy(),
                                      port_transform(image, 320).numpy())

    def test_negative_anchor_filtering_changes_the_detections(self):
        for k in range(len(self.committed["images"])):
            image = self._image(k)
            base = reference_detections(self.net, self.description, image)
            unfiltered = reference_detections(self.net, dict(self.description, **{"postprocess.objectness": 0.0}), image)
            self.assertNotEqual([r[:2] for r in base], [r[:2] for r in unfiltered])

    def test_port_detect_agrees_with_torchvision_nms(self):
        """An independent reading of the same Detect: torch decode, per-class top-k, torchvision's batched NMS."""
        from torchvision.ops import batched_nms
        from refinedet.box_utils import center_to_corner, decode
        g = torch.Generator().manual_seed(5)
        priors = prior_boxes(PRIOR_CONFIGS["vgg-320"])
        n, c = priors.shape[0], 5
        arm_loc, odm_loc = torch.randn(n, 4, generator=g), torch.randn(n, 4, generator=g)
        arm_conf = (torch.randn(n, 2, generator=g) * 3).softmax(-1)
        odm_conf = (torch.randn(n, c, generator=g) * 2).softmax(-1)
        d = dict(sidecar(PRIOR_CONFIGS["vgg-320"], VOC_LABELS), **{"postprocess.top_k_per_class": 300,
                                                                    "postprocess.keep_top_k": 400})
        ours = np.array(port_detect(arm_loc, arm_conf, odm_loc, odm_conf, priors, (0.1, 0.2), 640, 480, d))
        boxes = center_to_corner(decode(odm_loc, decode(arm_loc, priors, (0.1, 0.2)), (0.1, 0.2)))
        scores = odm_conf * (arm_conf[:, 1:] > 0.01)
        cand = []
        for k in range(1, c):
            idx = torch.nonzero(scores[:, k] > 0.01).squeeze(1)
            cand += [(k, int(i)) for i in idx[scores[idx, k].argsort(descending=True)][:300]]
        cls = torch.tensor([k for k, _ in cand])
        idx = torch.tensor([i for _, i in cand])
        keep = batched_nms(boxes[idx], scores[idx, cls], cls, 0.45)[:400]
        scale = torch.tensor([640.0, 480, 640, 480])
        ref_boxes = torch.minimum((boxes[idx[keep]] * scale).clamp(min=0), scale)
        ref = torch.cat([cls[keep, None].float(), scores[idx[keep], cls[keep], None], ref_boxes], 1).numpy()
        self.assertEqual(len(ours), 400)  # keep-top-k binds
        np.testing.assert_allclose(ours, ref, atol=1e-4)


if __name__ == "__main__":
    unittest.main()
