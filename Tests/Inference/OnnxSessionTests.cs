using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VideoAnalytics.Inference.Onnx;

namespace VideoAnalytics.Tests.Inference;

/// <summary>
/// ONNX Runtime's .NET binding as the detector uses it: model description, metadata, runs over bound pinned tensors
/// for batch sizes 1–8 (raw) and a dynamically sized output (fused), thread and optimisation settings, bad files.
/// </summary>
public sealed class OnnxSessionTests
{
    private static readonly string Raw = TestFrames.DataPath("tiny-raw.onnx");
    private static readonly string Fused = TestFrames.DataPath("tiny-fused.onnx");

    [Fact]
    public void Inputs_outputs_and_metadata_are_read_from_the_model()
    {
        using var session = OnnxSession.Load(Raw);
        var input = Assert.Single(session.Inputs);
        Assert.Equal("images", input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([-1L, 3, 16, 16], input.Shape);
        Assert.Equal(["arm_loc", "arm_conf", "odm_loc", "odm_conf"], session.Outputs.Select(o => o.Name));
        Assert.Equal([-1L, 12, 3], session.Outputs[3].Shape);
        Assert.Equal(ExecutionDevice.Cpu, session.Device);
        Assert.Equal(Raw, session.ModelPath);
        Assert.True(session.Metadata.ContainsKey("va.labels"), string.Join(", ", session.Metadata.Keys));
        Assert.Equal("16", session.Metadata["va.input.width"]);
    }

    [Fact]
    public void Raw_runs_at_every_batch_size_give_each_frame_the_result_it_gets_alone()
    {
        var settings = new SessionSettings { IntraOpThreads = 1, InterOpThreads = 1, OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED };
        using var session = OnnxSession.Load(Raw, settings);
        var alone = new float[8][];
        for (var frame = 0; frame < 8; frame++)
        {
            alone[frame] = RunRaw(session, 1, first: frame)[3];
        }

        for (var batch = 2; batch <= 8; batch++)
        {
            var conf = RunRaw(session, batch, first: 0)[3];
            var per = alone[0].Length;
            for (var frame = 0; frame < batch; frame++)
            {
                for (var k = 0; k < per; k++)
                {
                    // Kernels may vectorise a batch differently from a single frame: equal up to rounding.
                    Assert.Equal(alone[frame][k], conf[(frame * per) + k], 1e-5f);
                }
            }
        }

        // The frames differ, so equal results above are not a constant output.
        Assert.NotEqual(alone[0], alone[7]);
    }

    [Fact]
    public void A_bound_run_sees_new_input_written_into_the_same_tensor()
    {
        using var session = OnnxSession.Load(Raw);
        using var run = new RawRun(session, 1);
        run.Input.Data.Fill(0.1f);
        run.Binding.Run();
        var first = run.Outputs[3].Data.ToArray();
        run.Input.Data.Fill(0.9f);
        run.Binding.Run();
        Assert.NotEqual(first, run.Outputs[3].Data.ToArray());
    }

    [Fact]
    public void Fused_output_of_varying_size_is_copied_out_run_after_run()
    {
        using var session = OnnxSession.Load(Fused);
        Assert.Equal([-1L, 7], Assert.Single(session.Outputs).Shape);
        using var input = new PinnedTensor(2, 3, 16, 16);
        using var binding = session.BindDynamic([input], 0);
        var rows = new float[7];
        var counts = new List<int>();
        foreach (var value in new[] { 0.8f, 0.1f, 0.8f })
        {
            input.Data.Fill(value);
            var count = binding.RunAndCopyOutput(ref rows);
            Assert.Equal(0, count % 7);
            Assert.True(rows.Length >= count);
            counts.Add(count);
        }

        Assert.True(counts[0] > 0, "the fused model finds something in a bright frame");
        Assert.Equal(counts[0], counts[2]);
    }

    [Fact]
    public void A_run_over_a_preallocated_binding_allocates_nothing()
    {
        using var session = OnnxSession.Load(Raw);
        using var run = new RawRun(session, 4);
        Assert.Equal(0, Support.Allocations.SteadyState(run.Binding.Run));
    }

    [Fact]
    public void A_file_that_is_not_a_model_names_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"va-not-a-model-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => OnnxSession.Load(path));
            Assert.StartsWith(path + ": ONNX Runtime cannot load this file as a model", e.Message, StringComparison.Ordinal);
            Assert.IsType<OnnxRuntimeException>(e.InnerException);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Binding_the_wrong_number_of_tensors_is_refused()
    {
        using var session = OnnxSession.Load(Raw);
        using var input = new PinnedTensor(1, 3, 16, 16);
        var e = Assert.Throws<ArgumentException>(() => session.Bind([input], []));
        Assert.Contains("4 outputs, 0 given", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cuda_settings_become_the_provider_options_ort_expects()
    {
        var settings = new CudaSettings
        {
            ArenaExtendStrategy = CudaArenaExtendStrategy.SameAsRequested,
            GpuMemoryLimitBytes = 2L << 30,
            CudnnConvAlgoSearch = CudnnConvolutionSearch.Heuristic,
            CudnnConvUseMaxWorkspace = false,
        };
        var options = settings.ToProviderOptions(1);
        Assert.Equal("1", options["device_id"]);
        Assert.Equal("kSameAsRequested", options["arena_extend_strategy"]);
        Assert.Equal("2147483648", options["gpu_mem_limit"]);
        Assert.Equal("HEURISTIC", options["cudnn_conv_algo_search"]);
        Assert.Equal("0", options["cudnn_conv_use_max_workspace"]);
        Assert.False(new CudaSettings().ToProviderOptions(0).ContainsKey("gpu_mem_limit"));
        Assert.Equal("EXHAUSTIVE", new CudaSettings().ToProviderOptions(0)["cudnn_conv_algo_search"]);
    }

    /// <summary>Runs frames first..first+batch-1 (each a different uniform value) and returns the four outputs.</summary>
    private static float[][] RunRaw(OnnxSession session, int batch, int first)
    {
        using var run = new RawRun(session, batch);
        var per = 3 * 16 * 16;
        for (var frame = 0; frame < batch; frame++)
        {
            run.Input.Data.Slice(frame * per, per).Fill((first + frame + 1) / 10f);
        }

        run.Binding.Run();
        return run.Outputs.Select(o => o.Data.ToArray()).ToArray();
    }

    /// <summary>The tiny raw model's input and four outputs for one batch size, bound to the session.</summary>
    private sealed class RawRun : IDisposable
    {
        public RawRun(OnnxSession session, int batch)
        {
            Input = new PinnedTensor(batch, 3, 16, 16);
            Outputs = session.Outputs.Select(o => new PinnedTensor(batch, o.Shape[1], o.Shape[2])).ToArray();
            Binding = session.Bind([Input], Outputs);
        }

        public PinnedTensor Input { get; }

        public PinnedTensor[] Outputs { get; }

        public SessionBinding Binding { get; }

        public void Dispose()
        {
            Binding.Dispose();
            Input.Dispose();
            foreach (var output in Outputs)
            {
                output.Dispose();
            }
        }
    }
}
