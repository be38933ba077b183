using Microsoft.Extensions.Options;
using VideoAnalytics.Gateway.Security;

namespace VideoAnalytics.Gateway.Hosting;

/// <summary>Kestrel limits (body, request line) and the start-up refusal to run without keys on a public address.</summary>
public static class GatewayHostingExtensions
{
    public static IWebHostBuilder ConfigureGatewayLimits(this IWebHostBuilder webHost, IConfiguration configuration)
    {
        var limit = configuration.GetSection(ApiKeyOptions.Section).Get<ApiKeyOptions>()?.MaxRequestBodyBytes ?? new ApiKeyOptions().MaxRequestBodyBytes;
        return webHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = limit;
            // Kestrel answers an over-long request line itself, with an empty 414: let it through to RequestTargetGuard,
            // which enforces the same 8 KiB policy with a ProblemDetails.
            k.Limits.MaxRequestLineSize = RequestTargetGuard.KestrelRequestLineLimit;
        });
    }

    public static void EnsureSafeListening(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var urls = (app.Configuration["urls"] ?? app.Configuration["Urls"] ?? "http://localhost:5000").Split(';', StringSplitOptions.RemoveEmptyEntries);
        SecurityServiceCollectionExtensions.EnsureNotOpenToTheNetwork(urls, app.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value);
    }
}
