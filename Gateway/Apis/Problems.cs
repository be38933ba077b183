using Microsoft.AspNetCore.Http.HttpResults;

namespace VideoAnalytics.Gateway.Apis;

/// <summary>ProblemDetails responses with the wording operators see.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(title: "Not found", detail: what, statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Conflict(string what) =>
        TypedResults.Problem(title: "Conflict", detail: what, statusCode: StatusCodes.Status409Conflict);

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(title: "Bad request", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem(title: "Payload too large", detail: $"the body exceeds the limit of {limit} bytes (Security:MaxRequestBodyBytes)", statusCode: StatusCodes.Status413PayloadTooLarge);

    public static ProblemHttpResult Unavailable(string what) =>
        TypedResults.Problem(title: "Service unavailable", detail: what, statusCode: StatusCodes.Status503ServiceUnavailable);

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors, string title = "Invalid camera") =>
        TypedResults.ValidationProblem(errors, detail: "Fix the fields named in 'errors'.", title: title);
}
