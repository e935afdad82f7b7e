using Checkout.Core.Callbacks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Checkout.UnitTests.Callbacks;

public class CallbackOptionsTests
{
    private static CallbackOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddCheckoutCallbacks(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<CallbackOptions>>().Value;
    }

    [Fact]
    public void DefaultRetrySchedule_BacksOffForAboutThreeDays()
    {
        var schedule = Bind([]).EffectiveRetrySchedule;

        var total = schedule.Aggregate(TimeSpan.Zero, (sum, wait) => sum + wait);
        Assert.InRange(total, TimeSpan.FromDays(2.5), TimeSpan.FromDays(3.5));
        Assert.Equal(schedule.Order(), schedule);
        Assert.Equal(TimeSpan.FromMinutes(1), schedule[0]);
    }

    [Fact]
    public void ConfiguredRetrySchedule_ReplacesTheDefaultInsteadOfAppendingToIt()
    {
        var options = Bind(new()
        {
            ["Checkout:Callbacks:RetrySchedule:0"] = "00:00:00.2",
            ["Checkout:Callbacks:RetrySchedule:1"] = "00:00:05",
        });

        Assert.Equal([TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5)], options.EffectiveRetrySchedule);
    }

    [Fact]
    public void Options_HaveSafeDefaults()
    {
        var options = Bind([]);

        Assert.Equal(TimeSpan.FromSeconds(1), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.True(options.MaxConcurrency > 1);
        Assert.True(options.LeaseDuration > options.Timeout);
        Assert.False(options.AllowPrivateNetworks);
    }

    [Fact]
    public void Options_AreRejected_WhenALeaseWouldRunOutBeforeASendTimesOut()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["Checkout:Callbacks:Timeout"] = "00:00:30",
            ["Checkout:Callbacks:LeaseDuration"] = "00:00:10",
        }));

        Assert.Contains("LeaseDuration", error.Message);
    }
}
