using System.Globalization;
using System.Security.Claims;
using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Orders;
using Checkout.Core.Refunds;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Checkout.Web.Components.Pages.Payments;

/// <summary>
/// The signed-in shopper's payments and their refunds. While the circuit is open it re-reads every
/// <see cref="RefreshInterval"/> and re-renders only when something changed, so a refund's status
/// moves from pending to succeeded (or failed) without a reload.
/// </summary>
public sealed partial class MyPaymentsPage : IAsyncDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<PaymentRow>? _payments;
    private string _fingerprint = "";
    private string? _failure;
    private bool _live;
    private Task? _refreshing;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [Inject] private IServiceScopeFactory Scopes { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private TimeProvider Clock { get; set; } = null!;
    [Inject] private ILogger<MyPaymentsPage> Logger { get; set; } = null!;

    private string ShopperId { get; set; } = "";

    protected override async Task OnInitializedAsync()
    {
        ShopperId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";
        if (ShopperId.Length == 0)
        {
            // [Authorize] keeps anonymous visitors out; a cookie without a shopper id is not one we issued.
            Navigation.NavigateTo($"account/login?returnUrl={Uri.EscapeDataString("/payments")}", forceLoad: true);
            return;
        }
        Show(await LoadAsync(_disposed.Token));

        // A prerender is one snapshot; only a live circuit keeps reading.
        if (RendererInfo.IsInteractive) _refreshing = RefreshWhileOpenAsync(_disposed.Token);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!_live && _refreshing is not null)
        {
            _live = true;
            StateHasChanged();
        }
    }

    private async Task RefreshWhileOpenAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    var fresh = await LoadAsync(cancellationToken);
                    await InvokeAsync(() =>
                    {
                        var hadFailure = _failure is not null;
                        _failure = null;
                        if (Show(fresh) || hadFailure) StateHasChanged();
                    });
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Keep the last good table and say so; the next tick tries again.
                    Logger.LogWarning(ex, "My payments could not refresh for shopper {ShopperId}", ShopperId);
                    await InvokeAsync(() =>
                    {
                        _failure = "Could not check for updates just now; retrying…";
                        StateHasChanged();
                    });
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The circuit closed.
        }
    }

    /// <summary>Takes a fresh read; true when it differs from what is shown.</summary>
    private bool Show(IReadOnlyList<PaymentRow> payments)
    {
        var fingerprint = ShopperPayments.Fingerprint(payments);
        if (_payments is not null && fingerprint == _fingerprint) return false;
        _payments = payments;
        _fingerprint = fingerprint;
        return true;
    }

    // A circuit lives for minutes: each read gets its own scope, so no DbContext outlives it.
    private async Task<IReadOnlyList<PaymentRow>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = Scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        return await ShopperPayments.LoadAsync(db, ShopperId, cancellationToken);
    }

    private static string FormatAmount(long amount, string currency) =>
        Currency.TryFind(currency, out var info) ? Money.Format(amount, info, CultureInfo.CurrentCulture) : $"{amount} {currency}";

    private static string FormatDate(DateTimeOffset at) => at.ToString("d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string OrderStatusText(PaymentRow payment) => payment.Status switch
    {
        // Everything captured has come back (refunds still in flight keep it "Paid" until they succeed).
        OrderStatus.Succeeded when payment.AmountCaptured > 0 && payment.AmountRefunded == payment.AmountCaptured
            && payment.Refunds.All(r => r.Status is RefundStatus.Succeeded or RefundStatus.Failed) => "Refunded",
        OrderStatus.Succeeded => "Paid",
        OrderStatus.Authorized => "Authorized",
        OrderStatus.Processing => "Processing",
        OrderStatus.RequiresAction => "Needs action",
        OrderStatus.Created => "Not paid",
        OrderStatus.Failed => "Failed",
        OrderStatus.Canceled => "Canceled",
        OrderStatus.Expired => "Expired",
        _ => payment.Status.ToApiName(),
    };

    private static Color OrderColor(PaymentRow payment) => payment.Status switch
    {
        OrderStatus.Succeeded or OrderStatus.Authorized => Color.Success,
        OrderStatus.Failed => Color.Error,
        OrderStatus.Processing or OrderStatus.RequiresAction => Color.Info,
        _ => Color.Default,
    };

    private static string RefundStatusText(RefundStatus status) => status switch
    {
        RefundStatus.Pending => "Pending",
        RefundStatus.Processing => "Processing",
        RefundStatus.Succeeded => "Succeeded",
        RefundStatus.Failed => "Failed",
        _ => status.ToApiName(),
    };

    private static Color RefundColor(RefundStatus status) => status switch
    {
        RefundStatus.Succeeded => Color.Success,
        RefundStatus.Failed => Color.Error,
        RefundStatus.Processing => Color.Info,
        _ => Color.Default,
    };

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        if (_refreshing is not null)
        {
            try { await _refreshing; }
            catch (OperationCanceledException) { }
        }
        _disposed.Dispose();
    }
}
