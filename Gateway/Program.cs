using VideoAnalytics.Gateway.Hosting;
using VideoAnalytics.Inference.Evaluation;

// `check-model MODEL.onnx` prints what the engine will do with a model and its description, then exits.
if (args is ["check-model", ..]) { return CheckModelCommand.Run(args[1..], Console.Out, Console.Error); }

// All-in-one by default: the gateway hosts the silo services in this process (Gateway:HostSilo=false in a cluster).
// appsettings.json ships beside the binaries; relative paths in it (models/, data/) resolve against the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables("VA__");
builder.AddGatewaySilo();
builder.Services.AddGateway(builder.Configuration);
builder.WebHost.ConfigureGatewayLimits(builder.Configuration);

var app = builder.Build();
app.EnsureSafeListening();
app.MapGateway();
app.Run();
return 0;
