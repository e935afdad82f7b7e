using System.Globalization;
using System.Security.Claims;
using Checkout.Core.Common;
using Checkout.Core.Orders;
using Checkout.Core.Payments;
using Checkout.Core.Payments.Processors;
using Checkout.Web.Components.Pages.Pay.Cards;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Checkout.Web.Components.Pages.Pay;

/// <summary>
/// The capture_url: the shopper sees what they pay and to whom, picks the wallet, a saved card or a new
/// card, and approves or cancels. A decline is explained here so the shopper can try again; 3-D Secure
/// goes to the challenge page; every other outcome goes back to the shop.
/// Prerendered, then interactive; buttons work only once the circuit is up (data-ready).
/// A circuit stays open as long as the tab, so the page keeps only what it shows: a small view of the order,
/// no entities, and the card entry only once New card is chosen.
/// </summary>
public sealed partial class ApprovePage : IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private ApprovalView? _view;
    private bool _loaded;
    private bool _ready;
    private bool _busy;
    private bool _leaving;
    private string _busyText = "";
    private PaymentError? _paymentError;
    private string? _failure;
    private string _paymentMethod = PaymentSource.WalletType;
    private CardEntry? _card;
    private NewCardForm? _cardForm;
    private ExpiryCountdown? _countdown;
    private ITimer? _ticker;

    [Parameter] public string OrderId { get; set; } = "";

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [Inject] private ApprovePageOrders Orders { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private TimeProvider Clock { get; set; } = null!;
    [Inject] private ILogger<ApprovePage> Logger { get; set; } = null!;

    private string ShopperId { get; set; } = "";

    private bool IsPayable => _view is not null && _view.Order.IsPayableAt(Clock.GetUtcNow());

    private bool CanAct => _ready && !_busy;

    private string Title => !_loaded ? "Approve payment"
        : _view is null ? "Order not found"
        : IsPayable ? "Approve payment"
        : _view.Order.Status switch
        {
            OrderStatus.Succeeded => "Order paid",
            OrderStatus.Authorized or OrderStatus.Processing => "Payment received",
            OrderStatus.Canceled => "Order canceled",
            OrderStatus.Failed => "Payment failed",
            _ => "Order expired",
        };

    private string ClosedMessage => _view!.Order.Status switch
    {
        OrderStatus.Succeeded => "This order has already been paid.",
        OrderStatus.Authorized => "This payment has already been authorized.",
        OrderStatus.Processing => "This payment is already being processed.",
        OrderStatus.Canceled => "This order was canceled.",
        OrderStatus.Failed => "This payment failed. The shop can give you a new payment link.",
        OrderStatus.RequiresAction => "This payment is waiting for a step that cannot be completed here.",
        // Expired, or created but past expires_at.
        _ => "This order has expired. The shop can give you a new payment link.",
    };

    private Severity ClosedSeverity => _view!.Order.Status.RedirectsToSuccess() ? Severity.Success : Severity.Warning;

    internal const string NewCardMethod = "new_card";
    private const string SavedCardPrefix = "card:";

    internal static string SavedCardMethod(SavedCardOption card) => SavedCardPrefix + card.Id;

    // The wallet's own words name the balance; a card's decline message comes from the processor's decline code.
    private string PaymentErrorMessage => _paymentError?.Code == "insufficient_funds" && _view?.Order.PaymentMethod == PaymentSource.WalletType
        ? $"Your wallet balance ({FormatAmount(_view!.WalletBalance)}) is too low to pay {FormatAmount(_view.Order.Amount)}."
        : _paymentError?.Message ?? "";

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        ShopperId = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        if (ShopperId.Length == 0)
        {
            // [Authorize] keeps anonymous visitors out; a cookie without a shopper id is not one we issued.
            Navigation.NavigateTo($"account/login?returnUrl={Uri.EscapeDataString("/pay/" + OrderId)}", forceLoad: true);
            return;
        }
        _view = await Orders.LoadAsync(OrderId, ShopperId, _disposed.Token);
        _loaded = true;
        // Back from a failed 3-D Secure challenge, or reloaded after a decline: say why the last try failed.
        if (IsPayable) _paymentError = _view!.Order.LastPaymentError;

        // Only a live circuit can show a ticking clock; a prerender is a single snapshot.
        if (RendererInfo.IsInteractive && IsPayable)
            _ticker = Clock.CreateTimer(_ => _ = InvokeAsync(TickAsync), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!_ready && _loaded && RendererInfo.IsInteractive)
        {
            _ready = true;
            StateHasChanged();
        }
    }

    private async Task TickAsync()
    {
        if (_disposed.IsCancellationRequested || _view is null) return;
        if (IsPayable)
        {
            // Only the countdown line changes; the rest of the page stays as rendered.
            _countdown?.Refresh();
            return;
        }
        if (!_busy)
        {
            // The countdown reached zero: stop ticking and show the order as the server now has it.
            _ticker?.Dispose();
            _ticker = null;
            await RunAsync(async () =>
            {
                _busyText = "Checking the order…";
                _view = await Orders.LoadAsync(OrderId, ShopperId, _disposed.Token) ?? _view;
            });
        }
        StateHasChanged();
    }

    private void ChooseWallet() => _paymentMethod = PaymentSource.WalletType;

    private void Choose(SavedCardOption card) => _paymentMethod = SavedCardMethod(card);

    // Compared in place: building "card:…" for every card on every render would only make garbage.
    private bool IsChosen(SavedCardOption card) =>
        _paymentMethod.StartsWith(SavedCardPrefix, StringComparison.Ordinal)
        && _paymentMethod.AsSpan(SavedCardPrefix.Length).SequenceEqual(card.Id);

    private void ChooseNewCard()
    {
        _card ??= new CardEntry();
        _paymentMethod = NewCardMethod;
    }

    private async Task ApproveAsync()
    {
        // Blazor runs one event at a time per circuit until the handler's first await, so everything up to
        // RunAsync (which sets _busy) cannot interleave with a second click.
        if (!CanAct || _view is null) return;
        CardDetails? card = null;
        PaymentChoice? choice = null;
        if (_paymentMethod == NewCardMethod)
        {
            if (_card is null) return;
            if (_cardForm is not null && !_cardForm.CheckAll())
            {
                await _cardForm.FocusFirstInvalidAsync();
                return;
            }
            card = _card.TakeDetails();
        }
        else
        {
            _card?.TakeDetails(); // typed, then another method chosen: the number and CVC go now too
            choice = ChoiceFor(_paymentMethod);
            if (choice is null) return;
        }

        _paymentError = null;
        await RunAsync(async () =>
        {
            _busyText = "Approving your payment…";
            // Not tied to the page's lifetime: once started, the payment finishes even if the tab closes.
            var outcome = card is not null
                ? await Orders.PayWithNewCardAsync(OrderId, card, ShopperId, CancellationToken.None)
                : await Orders.ApproveAsync(OrderId, choice!, ShopperId, CancellationToken.None);
            card = null;
            var order = outcome.View.Order;
            if (order.Status == OrderStatus.RequiresAction)
            {
                GoToChallenge();
            }
            else if (order.Status.RedirectsToSuccess() || order.Status == OrderStatus.Failed)
            {
                // Paid, authorized or processing (late authorization): success_url. Failed (too many declines, fraud): error_url.
                LeaveFor(order);
            }
            else
            {
                _view = outcome.View;
                _paymentError = outcome.Error;
            }
        });
    }

    private PaymentChoice? ChoiceFor(string method)
    {
        if (method == PaymentSource.WalletType) return new PaymentChoice.Wallet(ShopperId);
        if (method.StartsWith(SavedCardPrefix, StringComparison.Ordinal)
            && _view!.SavedCards.FirstOrDefault(c => SavedCardMethod(c) == method) is { } card
            && !card.IsExpiredAt(Clock.GetUtcNow()))
            return new PaymentChoice.SavedCard(ShopperId, card.Id);
        return null;
    }

    private async Task CancelAsync()
    {
        if (!CanAct || _view is null) return;
        _card?.TakeDetails();
        _paymentError = null;
        await RunAsync(async () =>
        {
            _busyText = "Canceling…";
            var view = await Orders.CancelAsync(OrderId, ShopperId, CancellationToken.None);
            if (view.Order.Status == OrderStatus.Canceled)
            {
                LeaveFor(view.Order);
                return;
            }
            // Paid or expired in the meantime: show that instead of pretending it was canceled.
            _view = view;
        });
    }

    private void ReturnToShop()
    {
        if (_view is not null) LeaveFor(_view.Order);
    }

    /// <summary>The card's issuer wants the shopper to confirm (3-D Secure): on to the challenge page Checkout hosts.</summary>
    private void GoToChallenge()
    {
        _leaving = true;
        _busy = true;
        _busyText = "Taking you to your bank's check…";
        Navigation.NavigateTo(AuthenticatePage.PathOf(OrderId), forceLoad: true);
    }

    /// <summary>Back to the shop with a full page load; the page stays busy so nothing else can be clicked meanwhile.</summary>
    private void LeaveFor(ApprovalOrder order)
    {
        _leaving = true;
        _busy = true;
        _busyText = "Taking you back to the shop…";
        Navigation.NavigateTo(order.ReturnUrl, forceLoad: true);
    }

    private async Task RunAsync(Func<Task> work)
    {
        _busy = true;
        _failure = null;
        try
        {
            await work();
        }
        catch (DomainException ex)
        {
            // A refused action (a card that is not the shopper's, details that fail the checks): its message is for the shopper.
            Logger.LogInformation("Approve page action refused for order {OrderId}: {Code}", OrderId, ex.Code);
            _failure = ex.Message;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogError(ex, "Approve page action failed for order {OrderId}", OrderId);
            _failure = "Something went wrong. Please try again; you will never be charged twice.";
        }
        finally
        {
            _busy = _leaving;
        }
    }

    private string FormatAmount(long amount) =>
        Money.Format(amount, _view!.Order.CurrencyInfo, CultureInfo.CurrentCulture);

    /// <summary>"29:41", "1:05:00", "2 days 03:04:05": whole seconds, rounded up so 00:00 means expired.</summary>
    internal static string FormatRemaining(TimeSpan remaining)
    {
        var left = TimeSpan.FromSeconds(Math.Max(0, Math.Ceiling(remaining.TotalSeconds)));
        if (left.TotalDays >= 1)
        {
            var days = (int)left.TotalDays;
            return $"{days} day{(days == 1 ? "" : "s")} {left:hh\\:mm\\:ss}";
        }
        return left.TotalHours >= 1 ? $"{(int)left.TotalHours}:{left:mm\\:ss}" : $"{left:mm\\:ss}";
    }

    public void Dispose()
    {
        _card?.TakeDetails();
        _ticker?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
