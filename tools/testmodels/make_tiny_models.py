#!/usr/bin/env python3
"""Builds the tiny RefineDet-shaped ONNX models the C# engine tests run end to end.

The models compute no convolutions: their outputs are constants chosen by hand, plus one score that is the
mean input value / 255, so a test can feed frames of known brightness and assert exact detections (boxes
worked out by hand in Tests/Inference/TinyModelTests.cs). Run with Debian's python3-onnx:

    /usr/bin/python3 tools/testmodels/make_tiny_models.py Tests/Data
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# 16x16 input, one 2x2 feature map of stride 8, anchor size 8, ratios {1,2,1/2}: 12 anchors.
WIDTH = HEIGHT = 16
ANCHORS = 12
LABELS = ["background", "a", "b"]
METADATA = {
    "va.name": "tiny",
    "va.labels": json.dumps(LABELS),
    "va.input.width": str(WIDTH),
    "va.input.height": str(HEIGHT),
    "va.input.channel_order": "BGR",
    "va.input.mean": "[0,0,0]",
    "va.input.std": "[1,1,1]",
    "va.priors.feature_maps": "[2]",
    "va.priors.steps": "[8]",
    "va.priors.min_sizes": "[8]",
    "va.priors.max_sizes": "[]",
    "va.priors.aspect_ratios": "[[2]]",
    "va.priors.variance": "[0.1,0.2]",
    "va.priors.clip": "true",
    "va.output.scores": "softmax",
}


def const(name, array):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(array, dtype=np.float32), name))


def batch_tile(nodes, source, target, rank):
    """Repeats a [1,...] constant B times along axis 0, B taken from the input's shape."""
    nodes.append(helper.make_node("Concat", ["batch", *[f"one_{i}" for i in range(rank - 1)]], [f"{target}_reps"], axis=0))
    nodes.append(helper.make_node("Tile", [source, f"{target}_reps"], [target]))


def common_nodes():
    nodes = [
        helper.make_node("Shape", ["images"], ["shape"]),
        helper.make_node("Constant", [], ["zero_i"], value=numpy_helper.from_array(np.array([0], dtype=np.int64))),
        helper.make_node("Gather", ["shape", "zero_i"], ["batch"], axis=0),
        # score = mean(input) / 255, shape [B,1,1]
        helper.make_node("ReduceMean", ["images"], ["mean4"], axes=[1, 2, 3], keepdims=1),
        const("inv255", 1.0 / 255.0),
        helper.make_node("Mul", ["mean4", "inv255"], ["score4"]),
        helper.make_node("Constant", [], ["shape_b11"], value=numpy_helper.from_array(np.array([-1, 1, 1], dtype=np.int64))),
        helper.make_node("Reshape", ["score4", "shape_b11"], ["score"]),
    ]
    for i in range(3):
        nodes.append(helper.make_node("Constant", [], [f"one_{i}"], value=numpy_helper.from_array(np.array([1], dtype=np.int64))))
    return nodes


def raw_model(output_names):
    arm_loc = np.zeros((1, ANCHORS, 4), np.float32)
    arm_loc[0, 0] = [1, 0, 0, 0]          # anchor 0: refined centre x moves by 0.1 * 0.5
    arm_conf = np.tile(np.array([0.1, 0.9], np.float32), (1, ANCHORS, 1))
    arm_conf[0, 3] = [0.995, 0.005]       # anchor 3: objectness below 0.01, filtered despite its class score
    odm_loc = np.zeros((1, ANCHORS, 4), np.float32)
    odm_loc[0, 0] = [0, 1, 0, 0]          # anchor 0: centre y moves by 0.1 * 0.5 from the refined anchor
    odm_rest = np.tile(np.array([1.0, 0.0, 0.0], np.float32), (1, ANCHORS - 1, 1))
    odm_rest[0, 3 - 1] = [0.1, 0.0, 0.9]  # anchor 3 (filtered)
    odm_rest[0, 6 - 1] = [0.2, 0.0, 0.8]  # anchor 6: class b 0.8
    odm_rest[0, 7 - 1] = [0.4, 0.0, 0.6]  # anchor 7: class b 0.6, IoU 0.547 with anchor 6: suppressed
    odm_rest[0, 8 - 1] = [0.3, 0.7, 0.0]  # anchor 8: class a 0.7, overlaps anchor 6 but another class
    nodes = common_nodes()
    nodes += [const("arm_loc_c", arm_loc), const("arm_conf_c", arm_conf), const("odm_loc_c", odm_loc), const("odm_rest_c", odm_rest)]
    batch_tile(nodes, "arm_loc_c", output_names[0], 3)
    batch_tile(nodes, "arm_conf_c", output_names[1], 3)
    batch_tile(nodes, "odm_loc_c", output_names[2], 3)
    batch_tile(nodes, "odm_rest_c", "odm_rest", 3)
    # anchor 0 scores: [1 - s, s, 0]
    nodes += [
        const("one_f", 1.0), const("zero_f", 0.0),
        helper.make_node("Sub", ["one_f", "score"], ["bg0"]),
        helper.make_node("Mul", ["score", "zero_f"], ["b0"]),
        helper.make_node("Concat", ["bg0", "score", "b0"], ["anchor0"], axis=2),
        helper.make_node("Concat", ["anchor0", "odm_rest"], [output_names[3]], axis=1),
    ]
    widths = [4, 2, 4, 3]
    outputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["B", ANCHORS, w]) for n, w in zip(output_names, widths)]
    return finish(nodes, outputs, {**METADATA, "va.output.form": "raw"})


def fused_model():
    # One row per frame: [b, class a, mean/255, 0.05, 0.05, 0.55, 0.55] and a fixed class-b row per frame.
    nodes = common_nodes()
    nodes += [
        const("start", 0.0), const("delta", 1.0),
        helper.make_node("Cast", ["batch"], ["batch_f_1"], to=TensorProto.FLOAT),
        helper.make_node("Squeeze", ["batch_f_1"], ["batch_f"]),
        helper.make_node("Range", ["start", "batch_f", "delta"], ["b_range"]),
        helper.make_node("Constant", [], ["shape_b1"], value=numpy_helper.from_array(np.array([-1, 1], dtype=np.int64))),
        helper.make_node("Reshape", ["b_range", "shape_b1"], ["b_col"]),
        helper.make_node("Reshape", ["score", "shape_b1"], ["s_col"]),
        const("row_a_rest", [[1.0]]), const("box_a", [[0.05, 0.05, 0.55, 0.55]]),
        const("row_b_head", [[2.0, 0.8, 0.0, 0.5, 0.5, 1.0]]),
    ]
    batch_tile(nodes, "row_a_rest", "class_a", 2)
    batch_tile(nodes, "box_a", "boxes_a", 2)
    batch_tile(nodes, "row_b_head", "rows_b_rest", 2)
    nodes += [
        helper.make_node("Concat", ["b_col", "class_a", "s_col", "boxes_a"], ["rows_a"], axis=1),
        helper.make_node("Concat", ["b_col", "rows_b_rest"], ["rows_b"], axis=1),
        helper.make_node("Concat", ["rows_a", "rows_b"], ["detections"], axis=0),
    ]
    outputs = [helper.make_tensor_value_info("detections", TensorProto.FLOAT, ["N", 7])]
    return finish(nodes, outputs, {**METADATA, "va.output.form": "fused"})


def finish(nodes, outputs, metadata):
    images = helper.make_tensor_value_info("images", TensorProto.FLOAT, ["B", 3, HEIGHT, WIDTH])
    graph = helper.make_graph(nodes, "tiny_refinedet", [images], outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="videoanalytics-tests")
    model.ir_version = 7
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    return model


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "Tests/Data")
    out.mkdir(parents=True, exist_ok=True)
    onnx.save(raw_model(["arm_loc", "arm_conf", "odm_loc", "odm_conf"]), out / "tiny-raw.onnx")
    onnx.save(fused_model(), out / "tiny-fused.onnx")
    onnx.save(raw_model(["loc_a", "conf_a", "loc_b", "conf_b"]), out / "tiny-wrong-outputs.onnx")
    # The same raw model without metadata, described by a sidecar JSON instead.
    sidecar = raw_model(["arm_loc", "arm_conf", "odm_loc", "odm_conf"])
    del sidecar.metadata_props[:]
    onnx.save(sidecar, out / "tiny-sidecar.onnx")
    description = {k[3:]: (json.loads(v) if v[:1] in "[0123456789" or v in ("true", "false") else v) for k, v in METADATA.items()}
    description["name"] = "tiny-sidecar"
    (out / "tiny-sidecar.json").write_text(json.dumps(description, indent=2) + "\n")
    print(f"wrote tiny models to {out}")


if __name__ == "__main__":
    main()
