using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace VideoAnalytics.Gateway.Security;

/// <summary>API keys with roles, CORS (off unless origins are configured), and the refusal to run open on a public address.</summary>
public static class SecurityServiceCollectionExtensions
{
    public const string CorsPolicy = "configured-origins";

    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.Section))
            .Validate(o => o.ApiKeys.TrueForAll(k => k.Key.Length >= 8 && k.Role is GatewayPolicies.Admin or GatewayPolicies.Viewer),
                "Security:ApiKeys: every key needs at least 8 characters and the role admin or viewer")
            .ValidateOnStart();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(GatewayPolicies.Admin, p => p.RequireRole(GatewayPolicies.Admin))
            .AddPolicy(GatewayPolicies.Viewer, p => p.RequireRole(GatewayPolicies.Admin, GatewayPolicies.Viewer));
        var origins = configuration.GetSection(ApiKeyOptions.Section).Get<ApiKeyOptions>()?.CorsOrigins ?? [];
        services.AddCors(o => o.AddPolicy(CorsPolicy, p =>
        {
            if (origins.Count > 0)
            {
                p.WithOrigins([.. origins]).AllowAnyHeader().AllowAnyMethod();
            }
        }));
        return services;
    }

    /// <summary>Throws when the gateway would listen beyond loopback with no API keys configured.</summary>
    public static void EnsureNotOpenToTheNetwork(IEnumerable<string> urls, ApiKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ApiKeys.Count > 0)
        {
            return;
        }

        foreach (var url in urls)
        {
            if (!IsLoopback(url))
            {
                throw new InvalidOperationException(
                    $"Refusing to listen on {url} without API keys: configure Security:ApiKeys (env VA__Security__ApiKeys__0__Key and __Role) or listen on 127.0.0.1.");
            }
        }
    }

    private static bool IsLoopback(string url)
    {
        // Kestrel wildcards (*, +, 0.0.0.0, [::]) listen on every interface.
        var host = url.Split("://", 2).Last().Split('/')[0];
        var colon = host.LastIndexOf(':');
        if (colon > 0 && !host.EndsWith(']'))
        {
            host = host[..colon];
        }

        host = host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
