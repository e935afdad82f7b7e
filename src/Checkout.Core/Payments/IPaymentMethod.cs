using Checkout.Core.Orders;

namespace Checkout.Core.Payments;

/// <summary>A way a shopper can pay. The wallet is the only one today; cards arrive behind the same seam.</summary>
public interface IPaymentMethod
{
    /// <summary>The name stored on the order (<c>payment_method</c>).</summary>
    string Type { get; }

    /// <summary>Takes the order's amount from the shopper inside the caller's transaction, or says why it could not.</summary>
    Task<PaymentError?> ChargeAsync(Order order, string shopperId, CancellationToken cancellationToken);
}
