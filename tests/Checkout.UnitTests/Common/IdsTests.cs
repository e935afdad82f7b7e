using System.Text.RegularExpressions;
using Checkout.Core.Common;
using Checkout.Core.Orders;
using Checkout.UnitTests.Orders;

namespace Checkout.UnitTests.Common;

public sealed class IdsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TimeOrderedIds_HaveThePublicShape()
    {
        var id = Ids.NewTimeOrdered("ord", Now);

        Assert.Matches(new Regex("^ord_[0-9a-z]{24}$"), id);
        Assert.Equal(Ids.New("ord").Length, id.Length);
    }

    [Fact]
    public void TimeOrderedIds_SortAsTheyWereMade_AcrossMillisecondsSecondsAndYears()
    {
        var times = new[] { Now, Now.AddMilliseconds(1), Now.AddMilliseconds(35), Now.AddMilliseconds(36), Now.AddSeconds(1), Now.AddDays(400), Now.AddYears(80) };

        var ids = times.Select(t => Ids.NewTimeOrdered("evt", t)).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal)); // SQLite compares TEXT keys byte by byte
    }

    [Fact]
    public void TimeOrderedIds_OfOneMillisecond_AreStillUnique()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => Ids.NewTimeOrdered("dlv", Now)).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Single(ids.Select(id => id[..13]).Distinct()); // "dlv_" + the same 9 time digits
    }

    [Fact]
    public void NewOrders_GetTimeOrderedIds()
    {
        var earlier = OrderBuilder.Created();
        var later = Order.Create(new NewOrder(1999, "EUR", "Tea", "r1", "https://shop.example/ok", "https://shop.example/err",
            null, CaptureMethod.Automatic, null, TimeSpan.FromMinutes(30)), "demo_merchant", OrderBuilder.Now.AddSeconds(1));

        Assert.True(string.CompareOrdinal(earlier.Id, later.Id) < 0);
    }
}
