using VideoAnalytics.Inference.Evaluation;
using VideoAnalytics.Silo.Hosting;

// `evaluate …` scores recorded detections against ground truth; anything else runs the silo.
if (args.Length > 0 && args[0] == "evaluate")
{
    return EvaluateCommand.Run(args[1..], Console.Out, Console.Error);
}

// appsettings.json ships beside the binaries; relative paths in it (models/, data/) resolve against the working directory.
// A bad setting ends the process with one line naming it and exit code 1 (ServiceStartup).
return await ServiceStartup.RunAsync("VideoAnalytics.Silo", () =>
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddEnvironmentVariables("VA__");
    builder.Logging.AddServiceConsole();
    builder.AddSiloHost();
    builder.Services.AddSiloHealth();
    var app = builder.Build();
    app.MapSiloHealth();
    return app;
}, Console.Error);
