using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Orders;
using Checkout.Core.Payments;
using Checkout.Core.Payments.Sandbox;
using Checkout.Web.Components.Pages.Pay.Cards;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Web.Components.Pages.Pay;

/// <summary>A saved card as the approve page lists it: never more than brand, last 4 and expiry.</summary>
public sealed record SavedCardOption(string Id, string Brand, string Last4, int ExpMonth, int ExpYear)
{
    /// <summary>"Visa •••• 4242, exp 12/31". Built once: the page renders it again on every change.</summary>
    public string Label { get; } = $"{CardBrands.Masked(Brand, Last4)}, exp {ExpMonth:00}/{ExpYear % 100:00}";

    public bool IsExpiredAt(DateTimeOffset now) => !Core.Payments.Cards.CardChecks.IsExpiryValid(ExpMonth, ExpYear, now);
}

/// <summary>
/// The order as the approve page needs it. A copy of a few fields, not the entity: an open tab keeps this for
/// as long as it stays open, and the entity brings its attempts and URLs along.
/// </summary>
public sealed record ApprovalOrder(
    string Id, OrderStatus Status, long Amount, Currency CurrencyInfo, string? Description, string? Reference,
    DateTimeOffset ExpiresAt, string? PaymentMethod, PaymentError? LastPaymentError, string ReturnUrl)
{
    public static ApprovalOrder Of(Order order) => new(
        order.Id, order.Status, order.Amount, order.CurrencyInfo, order.Description, order.Reference,
        order.ExpiresAt, order.PaymentMethod, order.LastPaymentError, OrderRedirect.For(order));

    /// <summary>Same rule as <see cref="Order.IsPayableAt"/>.</summary>
    public bool IsPayableAt(DateTimeOffset now) => Status == OrderStatus.Created && now < ExpiresAt;
}

/// <summary>What the approve page shows: the order as it stands, whom it pays, the shopper's wallet in its currency and saved cards.</summary>
public sealed record ApprovalView(ApprovalOrder Order, string MerchantName, long WalletBalance, IReadOnlyList<SavedCardOption> SavedCards);

/// <summary>An Approve click's result: the refreshed view and, when the payment did not go through, why.</summary>
public sealed record ApprovalOutcome(ApprovalView View, PaymentError? Error);

/// <summary>What the 3-D Secure challenge page shows: the order and whom it pays.</summary>
public sealed record ChallengeView(Order Order, string MerchantName);

/// <summary>
/// The hosted payment pages' reads and writes (approve page and 3-D Secure challenge). A circuit lives
/// for minutes, so each call opens its own scope (and DbContext): a page never holds tracked entities
/// that another tab may have changed meanwhile.
/// </summary>
public sealed class ApprovePageOrders(IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>The order's view, or null when no order has this id. An unpaid order past expires_at is expired first.</summary>
    public async Task<ApprovalView?> LoadAsync(string orderId, string shopperId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null) return null;
        order = await ExpireIfDueAsync(db, order, cancellationToken);
        return await DescribeAsync(db, order, shopperId, cancellationToken);
    }

    public async Task<ApprovalOutcome> ApproveAsync(string orderId, PaymentChoice choice, string shopperId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<OrderPayments>()
            .ConfirmAsync(orderId, merchantId: null, choice, cancellationToken);
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        return new ApprovalOutcome(await DescribeAsync(db, result.Order, shopperId, cancellationToken), result.Error);
    }

    /// <summary>
    /// Pays with a card typed on the page. The checks run again here whatever the form said (a circuit's
    /// input is the shopper's to forge); then the number goes to the processor's tokenizer and only the
    /// token, brand, last 4 and expiry go on. Nothing here logs or keeps the number or CVC.
    /// </summary>
    public async Task<ApprovalOutcome> PayWithNewCardAsync(string orderId, CardDetails card, string shopperId, CancellationToken cancellationToken)
    {
        var problems = CardEntryChecks.Problems(card, clock.GetUtcNow());
        if (problems.Count > 0) throw new DomainException("card_details_invalid", string.Join(" ", problems));
        CardEntryChecks.TryParseExpiry(card.Expiry, out var month, out var year);

        await using var scope = scopes.CreateAsyncScope();
        var token = scope.ServiceProvider.GetRequiredService<ICardTokenizer>().Tokenize(Core.Payments.Cards.CardChecks.Normalize(card.Number)!);
        var choice = new PaymentChoice.NewCard(shopperId, token.Token, token.Brand.ToString().ToLowerInvariant(), token.Last4, month, year, card.Save);
        var result = await scope.ServiceProvider.GetRequiredService<OrderPayments>()
            .ConfirmAsync(orderId, merchantId: null, choice, cancellationToken);
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        return new ApprovalOutcome(await DescribeAsync(db, result.Order, shopperId, cancellationToken), result.Error);
    }

    public async Task<ApprovalView> CancelAsync(string orderId, string shopperId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var order = (await scope.ServiceProvider.GetRequiredService<OrderPayments>()
            .CancelAsync(orderId, merchantId: null, cancellationToken)).Order;
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        return await DescribeAsync(db, order, shopperId, cancellationToken);
    }

    /// <summary>The challenge page's view, or null when no order has this id. A challenge left past expires_at expires the order.</summary>
    public async Task<ChallengeView?> LoadChallengeAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is null) return null;
        order = await ExpireIfDueAsync(db, order, cancellationToken);
        return new ChallengeView(order, await MerchantNameAsync(db, order, cancellationToken));
    }

    /// <summary>The shopper's answer to the simulated issuer; an order no longer waiting for it comes back unchanged.</summary>
    public async Task<ChallengeView> AuthenticateAsync(string orderId, bool authenticated, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var stored = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, cancellationToken);
        if (stored.Status == OrderStatus.RequiresAction && stored.IsExpiredAt(clock.GetUtcNow()))
        {
            // Too late to answer: the order expires instead of being paid after its deadline.
            var expired = await ExpireIfDueAsync(db, await db.Orders.SingleAsync(o => o.Id == orderId, cancellationToken), cancellationToken);
            return new ChallengeView(expired, await MerchantNameAsync(db, expired, cancellationToken));
        }
        var order = (await scope.ServiceProvider.GetRequiredService<OrderPayments>()
            .AuthenticateAsync(orderId, authenticated, cancellationToken)).Order;
        return new ChallengeView(order, await MerchantNameAsync(db, order, cancellationToken));
    }

    // The expiry job does this within seconds anyway; doing it here means the page and the
    // "Return to shop" link say "expired" at once instead of a stale "created".
    private async Task<Order> ExpireIfDueAsync(CheckoutDbContext db, Order order, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (order.Status is not (OrderStatus.Created or OrderStatus.RequiresAction) || !order.IsExpiredAt(now))
            return order;
        order.Expire(now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return order;
        }
        catch (DbUpdateConcurrencyException)
        {
            // The expiry job or a payment got there first: show whatever won.
            db.ChangeTracker.Clear();
            return await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id, cancellationToken);
        }
    }

    private static Task<string> MerchantNameAsync(CheckoutDbContext db, Order order, CancellationToken cancellationToken) =>
        db.Merchants.AsNoTracking().Where(m => m.Id == order.MerchantId).Select(m => m.Name).SingleAsync(cancellationToken);

    private static async Task<ApprovalView> DescribeAsync(CheckoutDbContext db, Order order, string shopperId, CancellationToken cancellationToken)
    {
        var merchantName = await MerchantNameAsync(db, order, cancellationToken);
        var balance = await db.WalletBalances.AsNoTracking()
            .Where(w => w.ShopperId == shopperId && w.Currency == order.Currency)
            .Select(w => (long?)w.Amount).SingleOrDefaultAsync(cancellationToken);
        var cards = await db.SavedCards.AsNoTracking()
            .Where(c => c.ShopperId == shopperId)
            .Select(c => new { c.CreatedAt, Option = new SavedCardOption(c.Id, c.Brand, c.Last4, c.ExpMonth, c.ExpYear) })
            .ToListAsync(cancellationToken);
        // Newest first (a card saved on the last payment is the likely choice), then a fixed order for cards saved together.
        // Sorted here: SQLite cannot order by DateTimeOffset.
        var ordered = cards.OrderByDescending(c => c.CreatedAt)
            .ThenBy(c => c.Option.Brand, StringComparer.Ordinal).ThenBy(c => c.Option.Last4, StringComparer.Ordinal)
            .Select(c => c.Option).ToList();
        return new ApprovalView(ApprovalOrder.Of(order), merchantName, balance ?? 0, ordered);
    }
}
