using Checkout.Core.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Checkout.Web.Api;

/// <summary>RFC 9457 problem responses, each with the stable <c>code</c> extension clients switch on.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "One or more fields are invalid.",
            extensions: new Dictionary<string, object?> { ["code"] = "validation_failed" });

    public static ProblemHttpResult NotFound(string code, string detail) => Problem(StatusCodes.Status404NotFound, code, detail);

    /// <summary>Maps a refused business rule to its status: unknown → 404, bad input → 400, wrong state → 409.</summary>
    public static ProblemHttpResult FromDomain(DomainException exception) =>
        Problem(StatusFor(exception.Code), exception.Code, exception.Message);

    private static int StatusFor(string code) => code switch
    {
        "amount_too_large" => StatusCodes.Status400BadRequest,
        "idempotency_key_reused" => StatusCodes.Status422UnprocessableEntity,
        "internal_error" => StatusCodes.Status500InternalServerError,
        _ when code.EndsWith("_not_found", StringComparison.Ordinal) => StatusCodes.Status404NotFound,
        _ when code.StartsWith("invalid_", StringComparison.Ordinal) || code.EndsWith("_invalid", StringComparison.Ordinal)
            || code.EndsWith("_not_supported", StringComparison.Ordinal)
            => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status409Conflict,
    };
}

/// <summary>Turns a <see cref="DomainException"/> from a handler into its problem response (so idempotency can store it).</summary>
public sealed class DomainErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (DomainException ex)
        {
            return ApiProblems.FromDomain(ex);
        }
    }
}
