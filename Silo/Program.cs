// The standalone silo process; grains and providers arrive with the pipeline and cluster work.
Console.WriteLine("VideoAnalytics silo: nothing to host yet.");
