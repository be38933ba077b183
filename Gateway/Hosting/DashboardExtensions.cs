using Microsoft.Net.Http.Headers;

namespace VideoAnalytics.Gateway.Hosting;

/// <summary>
/// The dashboard: static files from <c>wwwroot</c> (<c>index.html</c> at <c>/</c>). Mapped before authentication so
/// the page itself loads without a key; every API call it makes is still authorized (the page sends the key).
/// </summary>
public static class DashboardExtensions
{
    // The page's scripts, styles and pictures all come from the gateway itself: nothing inline, nothing external.
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static WebApplication UseDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Browsers, bookmarks and link previews ask for /favicon.ico whatever the page links: serve the page's SVG
        // icon there too (served as image/svg+xml, which browsers take for a favicon) rather than a 404.
        app.Use((context, next) =>
        {
            if (context.Request.Path.Equals("/favicon.ico", StringComparison.OrdinalIgnoreCase))
            {
                context.Request.Path = "/favicon.svg";
            }

            return next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;

                // Revalidate every time (ETag makes that cheap) so an upgraded gateway never runs with a stale script.
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
            },
        });
        return app;
    }
}
