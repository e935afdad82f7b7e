using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Payments.Processors;
using Checkout.Core.Shoppers;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Core.Payments.Processors;

/// <summary>
/// Pays from the shopper's stored balance in the order's currency. It works inside the caller's
/// transaction (same DbContext), so debit and order change commit together. References are
/// "wal_{shopper}_{order}" so capture, void and refund know whose balance to touch.
/// </summary>
public sealed class WalletProcessor(CheckoutDbContext db) : IPaymentProcessor
{
    public const string ProcessorName = "wallet";

    public string Name => ProcessorName;

    public bool Handles(PaymentSource source) => source.Type == PaymentSource.WalletType && source.ShopperId is not null;

    public async Task<ProcessorResult> AuthorizeAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        var shopperId = request.Source.ShopperId!;
        var reference = $"wal_{shopperId}_{request.OrderId}";
        var balance = await BalanceAsync(shopperId, request.Currency, cancellationToken);
        if (balance is null || !balance.Covers(request.Amount))
            return new ProcessorResult(ProcessorStatus.Declined, reference, DeclineCode: "insufficient_funds",
                Message: DeclineMessages.For("wallet_insufficient_funds"));
        // The money leaves the balance at authorization; capture keeps it, void gives it back.
        balance.Debit(request.Amount);
        return request.Capture
            ? new ProcessorResult(ProcessorStatus.Captured, reference, request.Amount)
            : new ProcessorResult(ProcessorStatus.Authorized, reference);
    }

    public Task<ProcessorResult> CompleteAuthenticationAsync(string reference, bool authenticated, CancellationToken cancellationToken) =>
        throw new DomainException("payment_not_authenticating", "Wallet payments have no authentication step.");

    /// <summary>A partial capture releases the rest of the hold back to the balance.</summary>
    public async Task<ProcessorResult> CaptureAsync(string reference, long amount, CancellationToken cancellationToken)
    {
        var (shopperId, orderId) = Parse(reference);
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, cancellationToken);
        if (amount < order.Amount)
            (await BalanceAsync(shopperId, order.Currency, cancellationToken))!.Credit(order.Amount - amount);
        return new ProcessorResult(ProcessorStatus.Captured, reference, amount);
    }

    public async Task<ProcessorResult> VoidAsync(string reference, CancellationToken cancellationToken)
    {
        var (shopperId, orderId) = Parse(reference);
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, cancellationToken);
        (await BalanceAsync(shopperId, order.Currency, cancellationToken))!.Credit(order.Amount);
        return new ProcessorResult(ProcessorStatus.Voided, reference);
    }

    public Task<ProcessorResult> GetPaymentAsync(string reference, CancellationToken cancellationToken) =>
        throw new DomainException("payment_not_pending", "Wallet payments are never pending.");

    /// <summary>Wallet refunds are credited at once; the refund still reports through the usual statuses.</summary>
    public async Task<RefundResult> RefundAsync(string paymentReference, long amount, CancellationToken cancellationToken)
    {
        var (shopperId, orderId) = Parse(paymentReference);
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, cancellationToken);
        (await BalanceAsync(shopperId, order.Currency, cancellationToken))!.Credit(amount);
        return new RefundResult(RefundProcessorStatus.Succeeded, $"walre_{Ids.New("x")[2..]}");
    }

    public Task<RefundResult> GetRefundAsync(string refundReference, CancellationToken cancellationToken) =>
        Task.FromResult(new RefundResult(RefundProcessorStatus.Succeeded, refundReference));

    private Task<WalletBalance?> BalanceAsync(string shopperId, string currency, CancellationToken cancellationToken) =>
        db.WalletBalances.SingleOrDefaultAsync(w => w.ShopperId == shopperId && w.Currency == currency, cancellationToken);

    private static (string ShopperId, string OrderId) Parse(string reference)
    {
        // wal_shp_abc_ord_def: ids contain one underscore each.
        var parts = reference.Split('_');
        if (parts.Length != 5 || parts[0] != "wal") throw new DomainException("processor_reference_invalid", $"'{reference}' is not a wallet reference.");
        return ($"{parts[1]}_{parts[2]}", $"{parts[3]}_{parts[4]}");
    }
}
