using Microsoft.AspNetCore.Http.Features;

namespace VideoAnalytics.Gateway.Hosting;

/// <summary>
/// Answers, as ProblemDetails, two kinds of bad request target that Kestrel would otherwise answer itself with an
/// empty body or pass on unchecked: a target longer than <see cref="MaxTargetLength"/> (a query with thousands of
/// parameters: 414) and a route value with control characters (<c>/api/cameras/%01</c>: 400 naming the value).
/// </summary>
/// <remarks>
/// Kestrel refuses a request line over its <c>MaxRequestLineSize</c> before any application code runs, so that limit
/// is raised to <see cref="KestrelRequestLineLimit"/> (<see cref="GatewayHostingExtensions.ConfigureGatewayLimits"/>)
/// and the policy limit is enforced here. What Kestrel still answers alone, by design and not configurable: request
/// lines over that higher limit, and a NUL (<c>%00</c>) in the path, which it refuses while parsing the request line.
/// </remarks>
public static class RequestTargetGuard
{
    /// <summary>Kestrel's own default request line limit, kept as the policy: no route of this API needs more.</summary>
    public const int MaxTargetLength = 8 * 1024;

    /// <summary>What Kestrel accepts before this guard can answer (well inside its 1 MB per-connection buffer).</summary>
    public const int KestrelRequestLineLimit = 256 * 1024;

    public static IApplicationBuilder UseRequestTargetGuard(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        if (target.Length > MaxTargetLength)
        {
            return Results.Problem(
                title: "URI too long",
                detail: $"the request target is {target.Length} characters long; at most {MaxTargetLength} are accepted (query: send fewer or shorter parameters)",
                statusCode: StatusCodes.Status414UriTooLong).ExecuteAsync(context);
        }

        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is string text && HasControlCharacters(text))
            {
                return Results.ValidationProblem(
                    new Dictionary<string, string[]> { [name] = [$"{name} must not contain control characters"] },
                    detail: $"{name} must not contain control characters",
                    title: "Bad request").ExecuteAsync(context);
            }
        }

        return next(context);
    });

    private static bool HasControlCharacters(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
