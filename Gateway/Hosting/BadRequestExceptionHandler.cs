using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VideoAnalytics.Gateway.Security;

namespace VideoAnalytics.Gateway.Hosting;

/// <summary>
/// Kestrel reports a client's fault found while the body is read (over <c>Security:MaxRequestBodyBytes</c>, cut
/// short, bad chunking) as <see cref="BadHttpRequestException"/>, which reaches the exception handler: answer with
/// its status as ProblemDetails and log one warning line — a client's mistake is not a server error with a stack trace.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(
    IProblemDetailsService problems, IOptions<ApiKeyOptions> security, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        var tooLarge = bad.StatusCode == StatusCodes.Status413PayloadTooLarge;
        var detail = tooLarge
            ? $"the body exceeds the limit of {security.Value.MaxRequestBodyBytes} bytes (Security:MaxRequestBodyBytes)"
            : bad.Message;
        LogRejected(logger, httpContext.Request.Method, httpContext.Request.Path, bad.StatusCode, detail);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = tooLarge ? "Payload too large" : "Bad request",
                Detail = detail,
            },
        });
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Warning, Message = "Request {Method} {Path} refused with {Status}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string method, PathString path, int status, string reason);
}
