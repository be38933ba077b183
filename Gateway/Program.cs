using VideoAnalytics.Gateway.Hosting;
using VideoAnalytics.Silo.Hosting;

// All-in-one by default: the gateway hosts the silo services in this process.
// appsettings.json ships beside the binaries; relative paths in it (models/, data/) resolve against the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables("VA__");
builder.Services.AddSilo(builder.Configuration);
builder.Services.AddGateway(builder.Configuration);
builder.WebHost.ConfigureGatewayLimits(builder.Configuration);

var app = builder.Build();
app.EnsureSafeListening();
app.MapGateway();
app.Run();
