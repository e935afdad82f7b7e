namespace Checkout.Web.Idempotency;

public static class IdempotencyBuffering
{
    /// <summary>
    /// Keeps the body of keyed API POSTs re-readable: model binding reads it first, and the
    /// idempotency filter then hashes the same bytes to spot a key reused with other parameters.
    /// </summary>
    public static IApplicationBuilder UseIdempotencyBuffering(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method)
                && context.Request.Headers.ContainsKey(IdempotencyFilter.HeaderName)
                && context.Request.Path.StartsWithSegments("/api"))
                context.Request.EnableBuffering();
            return next(context);
        });
}
