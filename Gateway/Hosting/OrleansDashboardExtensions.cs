using Orleans.Dashboard;

namespace VideoAnalytics.Gateway.Hosting;

/// <summary>
/// Orleans' own dashboard (grains, silos, membership, call rates) at <see cref="Path"/>, for admins. Its page fetches
/// its data without our key header; opening it once as <c>/orleans/?apiKey=…</c> leaves the key in a cookie scoped to
/// this path (see <c>ApiKeyAuthenticationHandler</c>).
/// </summary>
public static class OrleansDashboardExtensions
{
    public const string Path = "/orleans";

    public static WebApplication MapOrleansConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOrleansDashboard(Path).RequireAuthorization(GatewayPolicies.Admin).ExcludeFromDescription();
        return app;
    }
}
