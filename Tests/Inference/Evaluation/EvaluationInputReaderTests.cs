using VideoAnalytics.Inference.Evaluation;

namespace VideoAnalytics.Tests.Inference.Evaluation;

public sealed class EvaluationInputReaderTests
{
    [Fact]
    public void Ground_truth_lines_parse_with_difficult_flag_extra_fields_and_blank_lines()
    {
        const string text = """
            {"frameIndex":0,"width":1280,"height":720,"objects":[{"classId":1,"label":"circle","box":{"x1":10.0,"y1":20.0,"x2":60.0,"y2":70.0}}]}

            {"frameIndex":1,"width":1280,"height":720,"source":"synthetic","objects":[{"classId":2,"label":"square","difficult":true,"box":{"x1":1.5,"y1":2,"x2":3,"y2":4}}]}
            {"frameIndex":2,"width":1280,"height":720,"objects":[]}
            """;

        var frames = EvaluationInputReader.ParseGroundTruth(new StringReader(text), "gt.jsonl");

        Assert.Equal([0L, 1L, 2L], frames.Select(f => f.FrameIndex));
        Assert.Equal(new GroundTruthObject(1, "circle", new PixelBox(10, 20, 60, 70)), Assert.Single(frames[0].Objects));
        Assert.Equal(new GroundTruthObject(2, "square", new PixelBox(1.5, 2, 3, 4), Difficult: true), Assert.Single(frames[1].Objects));
        Assert.Empty(frames[2].Objects);
    }

    [Fact]
    public void Detection_lines_parse_ignoring_timestamp_model_and_latency()
    {
        const string text = """
            {"cameraId":"demo","frameIndex":1234,"timestamp":"2026-11-21T07:00:00Z","width":1280,"height":720,"model":"refinedet-lite-320","detections":[{"classId":1,"label":"circle","score":0.97,"box":{"x1":10.5,"y1":20.0,"x2":100.0,"y2":200.0}}],"latencyMs":{"decode":1.2,"infer":7.5}}
            {"cameraId":null,"frameIndex":1235,"detections":[]}
            """;

        var frames = EvaluationInputReader.ParseDetections(new StringReader(text), "det.jsonl");

        Assert.Equal(2, frames.Count);
        Assert.Equal("demo", frames[0].CameraId);
        Assert.Equal(1234, frames[0].FrameIndex);
        Assert.Equal(new DetectedObject(1, "circle", 0.97, new PixelBox(10.5, 20, 100, 200)), Assert.Single(frames[0].Detections));
        Assert.Null(frames[1].CameraId);
        Assert.Empty(frames[1].Detections);
    }

    [Fact]
    public void Malformed_json_names_the_file_and_line()
    {
        const string text = """
            {"frameIndex":0,"objects":[]}
            {"frameIndex":1,"objects":[]}
            {"frameIndex":2,"objects":[
            """;

        var error = Assert.Throws<EvaluationInputException>(() => EvaluationInputReader.ParseGroundTruth(new StringReader(text), "video.gt.jsonl"));

        Assert.Equal(3, error.LineNumber);
        Assert.Equal("video.gt.jsonl", error.SourceName);
        Assert.StartsWith("video.gt.jsonl:3: invalid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"frameIndex":5,"objects":[{"classId":1,"label":"circle"}]}""", "objects[0].box")]
    [InlineData("""{"frameIndex":5,"objects":[{"classId":1,"box":{"x1":0,"y1":0,"x2":1,"y2":1}}]}""", "objects[0].label")]
    [InlineData("""{"frameIndex":5,"objects":[{"label":"circle","box":{"x1":0,"y1":0,"x2":1}}]}""", "objects[0].box.y2")]
    [InlineData("""{"objects":[]}""", "frameIndex")]
    [InlineData("""{"frameIndex":5}""", "objects")]
    public void Missing_ground_truth_field_is_named_with_its_line(string badLine, string field)
    {
        var text = "{\"frameIndex\":0,\"objects\":[]}\n" + badLine + "\n";

        var error = Assert.Throws<EvaluationInputException>(() => EvaluationInputReader.ParseGroundTruth(new StringReader(text), "gt.jsonl"));

        Assert.Equal(2, error.LineNumber);
        Assert.Equal($"gt.jsonl:2: required field '{field}' is missing", error.Message);
    }

    [Fact]
    public void Detection_without_score_or_with_inverted_box_is_rejected_with_its_line()
    {
        const string noScore = """{"frameIndex":1,"detections":[{"label":"circle","box":{"x1":0,"y1":0,"x2":5,"y2":5}}]}""";
        const string inverted = """{"frameIndex":1,"detections":[{"label":"circle","score":0.5,"box":{"x1":9,"y1":0,"x2":5,"y2":5}}]}""";

        var missing = Assert.Throws<EvaluationInputException>(() => EvaluationInputReader.ParseDetections(new StringReader(noScore), "det.jsonl"));
        var backwards = Assert.Throws<EvaluationInputException>(() => EvaluationInputReader.ParseDetections(new StringReader("\n" + inverted), "det.jsonl"));

        Assert.Equal("det.jsonl:1: required field 'detections[0].score' is missing", missing.Message);
        Assert.Equal(2, backwards.LineNumber);
        Assert.Contains("detections[0].box is inverted", backwards.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ground_truth_file_passed_as_detections_is_rejected()
    {
        // Swapped arguments are a likely operator mistake; a lenient reader would score an empty recording.
        const string groundTruthLine = """{"frameIndex":0,"width":1280,"height":720,"objects":[]}""";

        var error = Assert.Throws<EvaluationInputException>(() => EvaluationInputReader.ParseDetections(new StringReader(groundTruthLine), "gt.jsonl"));

        Assert.Equal("gt.jsonl:1: required field 'detections' is missing", error.Message);
    }

    [Fact]
    public void Repeated_ground_truth_frame_names_both_lines()
    {
        const string text = "{\"frameIndex\":4,\"objects\":[]}\n{\"frameIndex\":5,\"objects\":[]}\n{\"frameIndex\":4,\"objects\":[]}\n";

        var error = Assert.Throws<EvaluationInputException>(() => EvaluationInputReader.ParseGroundTruth(new StringReader(text), "gt.jsonl"));

        Assert.Equal("gt.jsonl:3: frame 4 already appeared on line 1", error.Message);
    }

    [Fact]
    public void A_json_null_line_is_rejected()
    {
        var error = Assert.Throws<EvaluationInputException>(() => EvaluationInputReader.ParseDetections(new StringReader("null"), "det.jsonl"));

        Assert.Equal(1, error.LineNumber);
    }
}
