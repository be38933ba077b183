"""The shared definition of the network input (network_input.py) and the golden tensors the engine is tested on."""
import json
import os
import unittest

import cv2
import numpy as np

from refinedet import data, golden_preprocess
from refinedet.network_input import input_spec, network_input


class NetworkInputTests(unittest.TestCase):
    def test_resize_happens_in_uint8_before_the_conversion(self):
        # Upscaling a 0/255 edge interpolates; in uint8 every interpolated value is a whole grey level, so the input
        # plus the mean is integral. Interpolating in float (the engine's old way) gives fractions here.
        img = np.zeros((3, 4, 3), np.uint8)
        img[:, 2:] = 255
        x = network_input(img, 13, 7, [104.0, 117.0, 123.0])
        levels = x + np.array([104, 117, 123], np.float32)[:, None, None]
        self.assertTrue(np.array_equal(levels, np.round(levels)))
        self.assertGreater(len(np.unique(levels[0])), 2)  # it did interpolate
        resized = cv2.resize(img, (13, 7), interpolation=cv2.INTER_LINEAR)
        self.assertTrue(np.array_equal(levels.transpose(1, 2, 0), resized.astype(np.float32)))

    def test_channel_order_and_means_are_in_the_networks_order(self):
        img = np.empty((2, 2, 3), np.uint8)
        img[:] = (1, 2, 3)  # B, G, R
        self.assertFalse(network_input(img, 2, 2, [1, 2, 3], channel_order="BGR").any())
        self.assertFalse(network_input(img, 2, 2, [3, 2, 1], channel_order="RGB").any())
        rgb = network_input(img, 2, 2, [0, 0, 0], channel_order="rgb")
        self.assertEqual(rgb[:, 0, 0].tolist(), [3.0, 2.0, 1.0])

    def test_mean_and_std_are_applied_in_float32(self):
        mean, std = [123.675, 116.28, 103.53], [58.395, 57.12, 57.375]
        img = np.arange(256, dtype=np.uint8).reshape(16, 16, 1).repeat(3, 2)
        x = network_input(img, 16, 16, mean, std)
        self.assertEqual(x.dtype, np.float32)
        self.assertEqual(x.shape, (3, 16, 16))
        for c in range(3):
            expected = [(np.float32(v) - np.float32(mean[c])) / np.float32(std[c]) for v in range(256)]
            self.assertTrue(np.array_equal(x[c].reshape(-1), np.array(expected, np.float32)), f"channel {c}")

    def test_same_size_is_not_resized(self):
        img = np.random.default_rng(5).integers(0, 256, (6, 9, 3), dtype=np.uint8)
        x = network_input(img, 9, 6, [0, 0, 0])
        self.assertTrue(np.array_equal(x, img.transpose(2, 0, 1).astype(np.float32)))

    def test_bad_images_and_orders_are_refused(self):
        with self.assertRaises(ValueError):
            network_input(np.zeros((4, 4, 3), np.float32), 2, 2, [0, 0, 0])
        with self.assertRaises(ValueError):
            network_input(np.zeros((4, 4, 3), np.uint8), 2, 2, [0, 0, 0], channel_order="YUV")

    def test_training_and_evaluation_use_the_definition(self):
        img = np.random.default_rng(7).integers(0, 256, (90, 160, 3), dtype=np.uint8)
        expected = network_input(img, 320, 320, data.MEAN_BGR)
        self.assertTrue(np.array_equal(data.preprocess(img, 320).numpy(), expected))
        small = cv2.resize(img, (320, 320), interpolation=cv2.INTER_LINEAR)
        x, _ = data.to_sample(small, np.zeros((0, 4), np.float32), np.zeros(0, np.int64), 320)
        self.assertTrue(np.array_equal(x.numpy(), expected))

    def test_input_spec_reads_metadata_text_and_sidecar_values_with_the_engines_defaults(self):
        metadata = {"va.input.width": "512", "va.input.height": "288", "va.input.channel_order": "rgb",
                    "va.input.mean": "[123, 117, 104]", "va.input.std": "[58.5, 57, 57.25]"}
        self.assertEqual(input_spec(metadata), (512, 288, [123.0, 117.0, 104.0], [58.5, 57.0, 57.25], "RGB"))
        sidecar = {"input.width": 320, "input.height": 320}
        self.assertEqual(input_spec(sidecar), (320, 320, [0.0, 0.0, 0.0], [1.0, 1.0, 1.0], "BGR"))
        with self.assertRaises(KeyError):
            input_spec({"input.width": 320})


class GoldenFileTests(unittest.TestCase):
    def test_committed_golden_tensors_are_what_the_definition_gives(self):
        # The C# test compares the engine with the committed file; this ties that file to network_input.
        with open(os.path.join(golden_preprocess.ROOT, golden_preprocess.GOLDEN)) as f:
            committed = json.load(f)
        self.assertEqual(committed, json.loads(json.dumps(golden_preprocess.build())))
        sizes = {(c["width"], c["height"]) for c in committed["cases"]}
        self.assertTrue({(320, 320), (512, 512)} <= sizes)


if __name__ == "__main__":
    unittest.main()
