// The inference peer of `make bench`: onnxruntime-node (ORT 1.30.0 from npm; ours runs the NuGet package's) running the
// same model file on the same input with the same thread settings. Driven over a line protocol so that the
// C# side can interleave its runs with ours and never times our start-up or model loading:
//   node ort_session_peer.js MODEL INPUT.f32 INTRA_OP_THREADS HEIGHT WIDTH
//   first line out: {"ready":true,"onnxruntime":"1.30.0",...}
//   in:  {"batch":B,"calls":N}   out: {"seconds":S}   (S = wall time of N back-to-back session.run calls)
// INPUT.f32 holds at least 8 preprocessed frames (float32, NCHW); batch B uses the first B of them.
'use strict';
const fs = require('node:fs');
const readline = require('node:readline');
const ort = require('onnxruntime-node');

async function main() {
  const [model, inputPath, threadsText, heightText, widthText] = process.argv.slice(2);
  if (!model || !inputPath || !threadsText || !heightText || !widthText) {
    throw new Error('usage: node ort_session_peer.js MODEL INPUT.f32 INTRA_OP_THREADS HEIGHT WIDTH');
  }
  // Our binding's settings: explicit intra-op threads, one inter-op thread, sequential execution, all graph
  // optimizations; memory arena and pattern at ORT's defaults on both sides.
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threadsText),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const bytes = fs.readFileSync(inputPath);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const [channels, height, width] = [3, Number(heightText), Number(widthText)];
  const perFrame = channels * height * width;
  const inputName = session.inputNames[0];
  const tensors = new Map(); // one input tensor per batch size, made once like our pinned tensors
  const feedsFor = (batch) => {
    if (!tensors.has(batch)) {
      tensors.set(batch, { [inputName]: new ort.Tensor('float32', all.subarray(0, batch * perFrame), [batch, channels, height, width]) });
    }
    return tensors.get(batch);
  };
  const version = require('onnxruntime-node/package.json').version;
  process.stdout.write(JSON.stringify({ ready: true, onnxruntime: version, node: process.versions.node, outputs: session.outputNames }) + '\n');

  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    try {
      const { batch, calls } = JSON.parse(line);
      const feeds = feedsFor(batch);
      const start = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) {
        await session.run(feeds); // outputs are allocated by ORT per call: the ordinary use of this API
      }
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      process.stdout.write(JSON.stringify({ seconds }) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ error: String(e && e.message ? e.message : e) }) + '\n');
    }
  }
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String(e && e.message ? e.message : e) }) + '\n');
  process.exit(1);
});
