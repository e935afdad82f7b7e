using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Orders;
using Checkout.Core.Payments.Processors;
using Checkout.Core.Payments.Sandbox;
using Checkout.Core.Shoppers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Payments;

/// <summary>An order after a payment action, and the error to show when the payment did not go through.</summary>
public sealed record PaymentOutcome(Order Order, PaymentError? Error);

/// <summary>
/// The order service: confirm, authenticate, capture, cancel and reconcile. Each action runs in one
/// transaction with the processor call, as a unit of the single writer (<see cref="GroupCommit"/>), so a double
/// click, a second tab or two workers produce one charge and one transition; the loser sees the order as the
/// winner left it.
/// </summary>
public sealed class OrderPayments(
    CheckoutDbContext db,
    GroupCommit writer,
    IEnumerable<IPaymentProcessor> processors,
    ICardTokenizer cards,
    TimeProvider clock,
    IOptions<PaymentOptions> options,
    ILogger<OrderPayments> logger)
{
    private int MaxAttempts => options.Value.MaxAttempts;

    /// <summary>Pays an order with the chosen method. <paramref name="merchantId"/> limits it to one merchant's orders (API).</summary>
    public Task<PaymentOutcome> ConfirmAsync(string orderId, string? merchantId, PaymentChoice choice, CancellationToken cancellationToken) =>
        RunAsync(orderId, merchantId, cancellationToken, async (order, now) =>
        {
            if (merchantId is null && !order.IsPayableAt(now)) return null; // the page shows the order as it stands
            order.EnsurePayable(now);
            var source = await SourceForAsync(choice, cancellationToken);
            var processor = processors.FirstOrDefault(p => p.Handles(source))
                ?? throw new DomainException("payment_method_not_supported", "This payment method cannot be used here.");
            var result = await processor.AuthorizeAsync(
                new PaymentRequest(order.Id, order.Amount, order.Currency, order.CaptureMethod == CaptureMethod.Automatic, source), cancellationToken);
            order.RecordAttempt(processor.Name, source, result, MaxAttempts, now);
            // Keep a new card only once the processor accepted it; a declined card is not worth offering again.
            if (choice is PaymentChoice.NewCard { Save: true } fresh && result.Status is not (ProcessorStatus.Declined or ProcessorStatus.Blocked))
                db.SavedCards.Add(Shoppers.SavedCard.Create(fresh.ShopperId, fresh.Brand, fresh.Last4, fresh.ExpMonth, fresh.ExpYear, fresh.Token, now));
            logger.LogInformation("Order {OrderId} attempt {Attempt} via {Processor} ({Method}): {Result} {DeclineCode} ref {Reference}",
                order.Id, order.Attempts.Count, processor.Name, source.Type, result.Status, result.DeclineCode, result.Reference);
            return result.Status is ProcessorStatus.Declined or ProcessorStatus.Blocked ? order.LastPaymentError : null;
        });

    /// <summary>The shopper completed or failed the 3-D Secure challenge.</summary>
    public Task<PaymentOutcome> AuthenticateAsync(string orderId, bool authenticated, CancellationToken cancellationToken) =>
        RunAsync(orderId, null, cancellationToken, async (order, now) =>
        {
            if (order.Status != OrderStatus.RequiresAction) return null;
            var result = await ProcessorOf(order).CompleteAuthenticationAsync(order.ProcessorReference!, authenticated, cancellationToken);
            order.RecordAuthentication(result, MaxAttempts, now);
            logger.LogInformation("Order {OrderId} 3-D Secure {Outcome}: {Result}", order.Id, authenticated ? "completed" : "failed", result.Status);
            return order.Status is OrderStatus.Created or OrderStatus.Failed ? order.LastPaymentError : null;
        });

    /// <summary>Captures an authorization in full or in part; the rest is released.</summary>
    public Task<PaymentOutcome> CaptureAsync(string orderId, string merchantId, long? amount, CancellationToken cancellationToken) =>
        RunAsync(orderId, merchantId, cancellationToken, async (order, now) =>
        {
            var toCapture = amount ?? order.Amount;
            order.Capture(toCapture, now); // checks state and amount before the processor is asked
            var captured = await ProcessorOf(order).CaptureAsync(order.ProcessorReference!, toCapture, cancellationToken);
            if (captured.DisputeOpensAt is { } opensAt) order.ScheduleDispute(opensAt);
            return null;
        });

    /// <summary>Cancels an unpaid order, or voids an authorization and cancels it.</summary>
    public Task<PaymentOutcome> CancelAsync(string orderId, string? merchantId, CancellationToken cancellationToken) =>
        RunAsync(orderId, merchantId, cancellationToken, async (order, now) =>
        {
            if (merchantId is null && !order.IsPayableAt(now)) return null; // shopper's Cancel on a finished order: nothing to do
            var wasAuthorized = order.Status == OrderStatus.Authorized;
            order.Cancel(now);
            if (wasAuthorized) await ProcessorOf(order).VoidAsync(order.ProcessorReference!, cancellationToken);
            return null;
        });

    /// <summary>Asks the processor about a late authorization and settles the order once it knows.</summary>
    public Task<PaymentOutcome> ReconcileAsync(string orderId, CancellationToken cancellationToken) =>
        RunAsync(orderId, null, cancellationToken, async (order, now) =>
        {
            if (order.Status != OrderStatus.Processing) return null;
            var result = await ProcessorOf(order).GetPaymentAsync(order.ProcessorReference!, cancellationToken);
            order.Settle(result, now);
            return null;
        });

    /// <summary>Voids an authorization left uncaptured past the TTL and cancels the order.</summary>
    public Task<PaymentOutcome> ExpireAuthorizationAsync(string orderId, CancellationToken cancellationToken) =>
        RunAsync(orderId, null, cancellationToken, async (order, now) =>
        {
            if (!order.IsAuthorizationExpiredAt(now, options.Value.AuthorizationTtl)) return null;
            order.Cancel(now);
            await ProcessorOf(order).VoidAsync(order.ProcessorReference!, cancellationToken);
            logger.LogInformation("Order {OrderId}: authorization expired uncaptured and was voided", order.Id);
            return null;
        });

    /// <summary>Opens a dispute the processor scheduled, once it is due.</summary>
    public Task<PaymentOutcome> OpenDueDisputeAsync(string orderId, CancellationToken cancellationToken) =>
        RunAsync(orderId, null, cancellationToken, (order, now) =>
        {
            if (order.Dispute is { IsOpen: false } dispute && now >= dispute.OpensAt) order.OpenDueDispute(now);
            return Task.FromResult<PaymentError?>(null);
        });

    private Task<PaymentOutcome> RunAsync(string orderId, string? merchantId, CancellationToken cancellationToken,
        Func<Order, DateTimeOffset, Task<PaymentError?>> action) =>
        // Under an Idempotency-Key the filter's unit is already open: join it, so the stored response commits with us.
        // Otherwise the action is a unit of the database's single writer: actions on one order queue there and each
        // sees the other's commit.
        db.Database.CurrentTransaction is not null
            ? ChangeAsync(orderId, merchantId, action, cancellationToken)
            : writer.RunAsync(db, _ => ChangeAsync(orderId, merchantId, action, cancellationToken));

    private async Task<PaymentOutcome> ChangeAsync(string orderId, string? merchantId, Func<Order, DateTimeOffset, Task<PaymentError?>> action,
        CancellationToken cancellationToken)
    {
        try
        {
            var order = await FirstAsync(OrderToChange(db, orderId, merchantId), cancellationToken)
                ?? throw new DomainException("order_not_found", $"No order '{orderId}'.");
            var error = await action(order, clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            return new PaymentOutcome(order, error);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another writer changed the order or a balance first: report what now stands.
            db.ChangeTracker.Clear();
            return new PaymentOutcome(await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, cancellationToken), null);
        }
    }

    // Compiled once: each action reads its order inside the write transaction, where every microsecond is spent
    // holding the database's single writer. A plain filter on the key, as in the orders API's prepared read.
    private static readonly Func<CheckoutDbContext, string, string?, IAsyncEnumerable<Order>> OrderToChange =
        EF.CompileAsyncQuery((CheckoutDbContext db, string id, string? merchantId) =>
            db.Orders.Where(o => o.Id == id && (merchantId == null || o.MerchantId == merchantId)));

    private static async Task<Order?> FirstAsync(IAsyncEnumerable<Order> orders, CancellationToken cancellationToken)
    {
        await foreach (var order in orders.WithCancellation(cancellationToken)) return order;
        return null;
    }

    private async Task<PaymentSource> SourceForAsync(PaymentChoice choice, CancellationToken cancellationToken)
    {
        switch (choice)
        {
            case PaymentChoice.Wallet wallet:
                return PaymentSource.Wallet(wallet.ShopperId);
            case PaymentChoice.SavedCard saved:
                var card = await db.SavedCards.AsNoTracking().SingleOrDefaultAsync(c => c.Id == saved.CardId && c.ShopperId == saved.ShopperId, cancellationToken)
                    ?? throw new DomainException("payment_method_invalid", "That card is not one of yours.");
                return PaymentSource.Card(card.ProcessorToken, card.Brand, card.Last4, saved.ShopperId);
            case PaymentChoice.NewCard fresh:
                return PaymentSource.Card(fresh.Token, fresh.Brand, fresh.Last4, fresh.ShopperId);
            case PaymentChoice.ProcessorToken server:
                var known = cards.Lookup(server.Token)
                    ?? throw new DomainException("payment_method_invalid", $"payment_method '{server.Token}' is not a known token (e.g. pm_card_visa).");
                return PaymentSource.Card(known.Token, known.Brand.ToString().ToLowerInvariant(), known.Last4);
            default:
                throw new ArgumentOutOfRangeException(nameof(choice));
        }
    }

    private IPaymentProcessor ProcessorOf(Order order) =>
        processors.SingleOrDefault(p => p.Name == order.Processor)
        ?? throw new DomainException("processor_unavailable", $"Processor '{order.Processor}' is not configured.");
}
