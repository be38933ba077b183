using VideoAnalytics.Bench;

return BenchRunner.Run(args);
