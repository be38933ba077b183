"""Write a checkpoint of an untrained (freshly initialised, seeded) RefineDet so that `make bench` can export
a model with the project's own exporter when the trained models/refinedet-lite-320.onnx is not shipped yet.
Timing does not depend on the weights; detections do (an untrained head scores every anchor about equally,
the heaviest case for post-processing), and the results page says which model was measured.

  /usr/bin/python3 bench/setup/untrained_checkpoint.py OUT.pt [--preset lite-320]
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from refinedet import synthetic  # noqa: E402  (needs the path above)
from refinedet.model import RefineDet  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--preset", default="lite-320")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    net = RefineDet(a.preset, len(synthetic.LABELS))
    # The keys refinedet.train.load_model reads; no optimizer state: this checkpoint is never resumed.
    torch.save({"model": net.state_dict(), "preset": a.preset, "labels": synthetic.LABELS, "iteration": 0}, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
