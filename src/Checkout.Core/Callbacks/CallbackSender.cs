using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Callbacks;

/// <summary>What the dispatcher needs to POST one delivery once.</summary>
public sealed record CallbackRequest(string DeliveryId, string Url, string EventId, string Body, string WebhookSecret, int AttemptNumber);

/// <summary>How one POST went: the receiver's status code, or the error when there was no answer.</summary>
public sealed record CallbackOutcome(DateTimeOffset StartedAt, TimeSpan Duration, int? StatusCode, string? Error);

/// <summary>POSTs one signed callback and reports what happened; it never throws for the receiver's faults.</summary>
public sealed class CallbackSender(IHttpClientFactory httpClients, TimeProvider clock, IOptions<CallbackOptions> options)
{
    public const string HttpClientName = "checkout-callbacks";
    public const string EventIdHeader = "Checkout-Event-Id";
    public const string AttemptHeader = "Checkout-Delivery-Attempt";
    public const string UserAgent = "Checkout-Callbacks/1.0";

    public async Task<CallbackOutcome> SendAsync(CallbackRequest callback, CancellationToken cancellationToken)
    {
        var startedAt = clock.GetUtcNow();
        var started = clock.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, callback.Url)
            {
                Content = new StringContent(callback.Body, Encoding.UTF8, "application/json"),
            };
            // Signed at send time, so the timestamp is fresh on every retry and the merchant can reject replays.
            request.Headers.Add(CallbackSignature.HeaderName, CallbackSignature.Create(callback.WebhookSecret, clock.GetUtcNow(), callback.Body));
            request.Headers.Add(EventIdHeader, callback.EventId);
            request.Headers.Add(AttemptHeader, callback.AttemptNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.UserAgent.Add(ProductInfoHeaderValue.Parse(UserAgent));

            var http = httpClients.CreateClient(HttpClientName);
            // Headers only: the status is the answer, and a huge response body must not be buffered.
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return new CallbackOutcome(startedAt, clock.GetElapsedTime(started), (int)response.StatusCode, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new CallbackOutcome(startedAt, clock.GetElapsedTime(started), null, Describe(ex));
        }
    }

    private string Describe(Exception ex)
    {
        if (ex is TaskCanceledException or TimeoutException)
            return $"Timed out after {options.Value.Timeout.TotalSeconds:0.###} s without a response.";
        for (var inner = ex; inner is not null; inner = inner.InnerException)
            if (inner is CallbackDestinationRefusedException refused) return refused.Message;
        // "Connection refused (127.0.0.1:5000)" etc.; the innermost message alone often lacks the context.
        var messages = new List<string>();
        for (var inner = ex; inner is not null; inner = inner.InnerException)
            if (!messages.Contains(inner.Message)) messages.Add(inner.Message);
        return string.Join(" ", messages);
    }
}
