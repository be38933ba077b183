using VideoAnalytics.Gateway.Hosting;

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
