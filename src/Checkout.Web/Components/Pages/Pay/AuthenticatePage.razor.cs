using System.Globalization;
using Checkout.Core.Common;
using Checkout.Core.Orders;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Checkout.Web.Components.Pages.Pay;

/// <summary>
/// The 3-D Secure challenge (the order's next_action URL): a simulated card issuer asking the shopper to
/// confirm. Complete goes on to the shop's success_url; Fail goes back to the approve page, where the
/// shopper reads why and can try again (or to error_url when that was the last allowed attempt).
/// </summary>
public sealed partial class AuthenticatePage : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private ChallengeView? _view;
    private bool _loaded;
    private bool _ready;
    private bool _busy;
    private bool _leaving;
    private string _busyText = "";
    private string? _failure;

    [Parameter] public string OrderId { get; set; } = "";

    [Inject] private ApprovePageOrders Orders { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private TimeProvider Clock { get; set; } = null!;
    [Inject] private ILogger<AuthenticatePage> Logger { get; set; } = null!;

    /// <summary>Where the approve page sends a shopper whose card asks for 3-D Secure (same as OrderLinks.AuthenticationUrl).</summary>
    public static string PathOf(string orderId) => $"/pay/{Uri.EscapeDataString(orderId)}/authenticate";

    private string ApprovePath => $"/pay/{Uri.EscapeDataString(OrderId)}";

    private bool IsWaiting => _view?.Order.Status == OrderStatus.RequiresAction;

    private bool CanAct => _ready && !_busy;

    private string Title => !_loaded ? "Confirm your payment"
        : _view is null ? "Payment not found"
        : IsWaiting ? "Confirm your payment"
        : "Nothing to confirm";

    private string ClosedMessage => _view!.Order.Status switch
    {
        OrderStatus.Succeeded => "This payment has already been confirmed and paid.",
        OrderStatus.Authorized => "This payment has already been confirmed and authorized.",
        OrderStatus.Processing => "This payment is already being processed.",
        OrderStatus.Canceled => "This order was canceled.",
        OrderStatus.Failed => "This payment failed. The shop can give you a new payment link.",
        OrderStatus.Expired => "This order has expired. The shop can give you a new payment link.",
        // Created: never sent here, or the challenge was already answered and failed.
        _ => "This payment is not waiting for a bank check. Go back to the payment to choose how to pay.",
    };

    private Severity ClosedSeverity => _view!.Order.Status.RedirectsToSuccess() ? Severity.Success : Severity.Warning;

    protected override async Task OnInitializedAsync()
    {
        _view = await Orders.LoadChallengeAsync(OrderId, _disposed.Token);
        _loaded = true;
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!_ready && _loaded && RendererInfo.IsInteractive)
        {
            _ready = true;
            StateHasChanged();
        }
    }

    private Task CompleteAsync() => AnswerAsync(authenticated: true);

    private Task FailAsync() => AnswerAsync(authenticated: false);

    private async Task AnswerAsync(bool authenticated)
    {
        // One event at a time per circuit until the first await: a double click answers once.
        if (!CanAct || _view is null) return;
        _busy = true;
        _failure = null;
        _busyText = authenticated ? "Confirming with your bank…" : "Telling the shop your bank declined…";
        try
        {
            // Not tied to the page's lifetime: once answered, the payment finishes even if the tab closes.
            var view = await Orders.AuthenticateAsync(OrderId, authenticated, CancellationToken.None);
            var order = view.Order;
            if (order.Status.RedirectsToSuccess() || order.Status == OrderStatus.Failed)
                Leave(OrderRedirect.For(order), "Taking you back to the shop…");
            else if (order.IsPayableAt(Clock.GetUtcNow()))
                Leave(ApprovePath, "Taking you back to the payment…"); // it shows last_payment_error: authentication failed
            else
                _view = view; // canceled or expired meanwhile, or already answered in another tab: show that
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogError(ex, "3-D Secure answer failed for order {OrderId}", OrderId);
            _failure = ex is DomainException ? ex.Message : "Something went wrong. Please try again; you will never be charged twice.";
        }
        finally
        {
            _busy = _leaving;
        }
    }

    private void Leave(string url, string text)
    {
        _leaving = true;
        _busyText = text;
        Navigation.NavigateTo(url, forceLoad: true);
    }

    private string FormatAmount(long amount) =>
        Money.Format(amount, _view!.Order.CurrencyInfo, CultureInfo.CurrentCulture);

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
