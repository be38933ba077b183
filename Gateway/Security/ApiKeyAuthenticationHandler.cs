using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace VideoAnalytics.Gateway.Security;

/// <summary>
/// Authenticates <c>X-Api-Key: …</c> or <c>Authorization: Bearer …</c> against the configured keys; the key's
/// role becomes the caller's role. With no keys configured every caller is an admin (open loopback mode).
/// Keys are compared in constant time.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<ApiKeyOptions> keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string DashboardCookie = "va-orleans-key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var configured = keys.Value.ApiKeys;
        if (configured.Count == 0)
        {
            return Task.FromResult(Success(GatewayPolicies.Admin));
        }

        var presented = Request.Headers["X-Api-Key"].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            var authorization = Request.Headers.Authorization.ToString();
            if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                presented = authorization["Bearer ".Length..].Trim();
            }
        }

        // Browsers cannot set headers on EventSource/WebSocket: accept ?apiKey= for subscriptions.
        var fromQuery = false;
        if (string.IsNullOrEmpty(presented))
        {
            presented = Request.Query["apiKey"].ToString();
            fromQuery = presented.Length > 0;
        }

        // The Orleans dashboard's own page fetches its data with plain requests: it carries the key in a cookie
        // of its path, set when the page was opened with ?apiKey=.
        var dashboard = Request.Path.StartsWithSegments(Hosting.OrleansDashboardExtensions.Path, StringComparison.Ordinal);
        if (string.IsNullOrEmpty(presented) && dashboard)
        {
            presented = Request.Cookies[DashboardCookie] ?? string.Empty;
        }

        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        foreach (var key in configured)
        {
            if (CryptographicOperations.FixedTimeEquals(presentedBytes, Encoding.UTF8.GetBytes(key.Key)))
            {
                if (fromQuery && dashboard)
                {
                    Response.Cookies.Append(DashboardCookie, presented, new CookieOptions
                    {
                        Path = Hosting.OrleansDashboardExtensions.Path,
                        HttpOnly = true,
                        SameSite = SameSiteMode.Strict,
                        Secure = Request.IsHttps,
                    });
                }

                return Task.FromResult(Success(key.Role));
            }
        }

        return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
    }

    private static AuthenticateResult Success(string role)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
