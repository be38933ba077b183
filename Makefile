# VideoAnalytics — the two commands a newcomer needs are `make run` and `make test`.
# Every target runs `setup` first; setup is idempotent and cheap when everything is in place.

SHELL := /bin/bash
DOTNET ?= dotnet
PYTHON := /usr/bin/python3
CONFIG ?= Release
SHIM_SRC := Inference/Native/OpenCv/shim
SHIM_LIB := .native/libva_opencv.so
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
# ONNX Runtime flavor: cpu (package Microsoft.ML.OnnxRuntime) or cuda (Microsoft.ML.OnnxRuntime.Gpu.Linux, built into
# bin/cuda/ beside the CPU build). `make build ORT=cuda`, `make run ORT=cuda`. Exactly one flavor per output.
ORT ?= cpu
ORT_FLAVOR := -p:OrtFlavor=$(ORT)
BIN := bin/$(if $(filter cuda,$(ORT)),cuda/,)$(CONFIG)/net10.0

.PHONY: all setup packages shim restore restore-cuda build build-cuda run test test-dotnet test-python bench bench-setup clean

all: build

setup: packages shim restore

packages:
	@deploy/setup/install-packages.sh

# The OpenCV shim is rebuilt only when its sources change (CMake tracks that).
shim: packages
	@if [ -f $(SHIM_SRC)/CMakeLists.txt ]; then \
	  cmake -S $(SHIM_SRC) -B .native/shim-build -DCMAKE_BUILD_TYPE=Release -DVA_OUTPUT_DIR=$(CURDIR)/.native >/dev/null && \
	  cmake --build .native/shim-build -j2 >/dev/null && echo "setup: OpenCV shim -> $(SHIM_LIB)"; \
	fi

restore:
	@$(DOTNET) restore VideoAnalytics.sln -v q $(ORT_FLAVOR)

build: setup
	$(DOTNET) build VideoAnalytics.sln -c $(CONFIG) --no-restore -v q $(ORT_FLAVOR)

# The CUDA flavor of the all-in-one gateway, for the tests of its CPU fallback (CudaFlavorTests): its provider
# libraries are present, a CUDA runtime is not (on machines without a GPU).
restore-cuda:
	@$(DOTNET) restore Gateway/Gateway.csproj -v q -p:OrtFlavor=cuda

build-cuda: restore-cuda
	$(DOTNET) build Gateway/Gateway.csproj -c $(CONFIG) --no-restore -v q -p:OrtFlavor=cuda

# The all-in-one service on http://127.0.0.1:8080 with the demo camera. Runs the built gateway from the
# repository root, so the relative paths in appsettings.json (models/, data/) mean this checkout's folders.
run: build
	$(DOTNET) Gateway/$(BIN)/VideoAnalytics.Gateway.dll

# The suite runs the CPU flavor; it also builds the CUDA flavor's gateway and runs it in CudaFlavorTests.
test: setup test-python build-cuda test-dotnet

test-dotnet:
	$(DOTNET) build VideoAnalytics.sln -c $(CONFIG) --no-restore -v q
	@rm -f TestResults/dotnet.trx
	@$(DOTNET) test Tests/Tests.csproj -c $(CONFIG) --no-build --logger "console;verbosity=normal" \
	  --logger "trx;LogFileName=dotnet.trx" --results-directory TestResults \
	  || { $(PYTHON) Tests/failures.py TestResults/dotnet.trx; exit 1; }

test-python:
	@if [ -d tools/refinedet/tests ]; then \
	  cd tools && $(PYTHON) -m unittest discover -s refinedet/tests -t . -v; \
	fi

# The project against its peers (ffmpeg, onnxruntime-node, PyTorch) and the camera pipeline on this machine;
# writes bench/results/<date>.md + PNG plots. About 7 minutes on 2 cores. BENCH_ARGS: --quick, --only a,b, --micro.
bench: setup bench-setup
	$(DOTNET) run --project bench -c Release --no-restore -- $(BENCH_ARGS)

# What only the bench needs (matplotlib, the Node peer, a model when none is shipped); never run by `make test`.
bench-setup:
	@bench/setup/bench-setup.sh

clean:
	$(DOTNET) clean VideoAnalytics.sln -v q
	rm -rf .native/shim-build
