"""RefineDet model tooling for VideoAnalytics: model, synthetic data, training and ONNX export.

See README.md in this folder for the operator guide and ../../models/README.md for the ONNX contract.
"""
