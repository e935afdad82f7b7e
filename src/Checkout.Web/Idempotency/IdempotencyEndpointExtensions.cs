using Checkout.Core.Data;

namespace Checkout.Web.Idempotency;

/// <summary>Marks an endpoint whose only writes are new rows through <see cref="NewRows"/>.</summary>
public sealed class GroupCommittedWrites
{
    public static readonly GroupCommittedWrites Instance = new();
}

public static class IdempotencyEndpointExtensions
{
    /// <summary>Opts a POST endpoint into Idempotency-Key handling (the one line later endpoints add).</summary>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter<IdempotencyFilter>();

    /// <summary>
    /// Idempotency-Key handling for an endpoint that writes only new rows, through <see cref="NewRows"/>: they commit
    /// with the key's record in a group commit, and no claim is written first.
    /// </summary>
    public static RouteHandlerBuilder WithGroupCommittedIdempotency(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(GroupCommittedWrites.Instance).AddEndpointFilter<IdempotencyFilter>();
}
