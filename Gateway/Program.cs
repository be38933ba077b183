using VideoAnalytics.Gateway.Hosting;
using VideoAnalytics.Inference.Evaluation;
using VideoAnalytics.Silo.Hosting;

// `check-model MODEL.onnx` prints what the engine will do with a model and its description, then exits.
if (args is ["check-model", ..]) { return CheckModelCommand.Run(args[1..], Console.Out, Console.Error); }

// All-in-one by default: the gateway hosts the silo services in this process (Gateway:HostSilo=false in a cluster).
// appsettings.json ships beside the binaries; relative paths in it (models/, data/) resolve against the working directory.
// A bad setting ends the process with one line naming it and exit code 1 (ServiceStartup).
return await ServiceStartup.RunAsync("VideoAnalytics.Gateway", () =>
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddEnvironmentVariables("VA__");
    builder.Logging.AddServiceConsole();
    builder.AddGatewaySilo();
    builder.Services.AddGateway(builder.Configuration);
    builder.WebHost.ConfigureGatewayLimits(builder.Configuration);

    var app = builder.Build();
    app.EnsureSafeListening();
    app.MapGateway();
    return app;
}, Console.Error);
