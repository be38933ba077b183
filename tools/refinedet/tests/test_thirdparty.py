"""The "bring your own RefineDet" worked example: the sidecar follows from the port's training transform, and the
exported heads are the port's train-phase outputs + softmax."""
import json
import os
import tempfile
import unittest

import numpy as np
import onnx
import torch

from refinedet import synthetic
from refinedet.model import SoftmaxOutputs
from refinedet.priors import PRIOR_CONFIGS, prior_boxes
from refinedet.thirdparty import VOC_LABELS, described_input, main, port_transform, sidecar, stand_in_network


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


if __name__ == "__main__":
    unittest.main()
