using VideoAnalytics.Bench;

return await BenchRunner.RunAsync(args);
