using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.UnitTests.Data;

/// <summary>Outbox rows are stamped with the application's clock, also when contexts come from a pool.</summary>
public sealed class CheckoutDbContextClockTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void PooledContext_UsesTheApplicationsTimeProvider()
    {
        using var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(_clock)
            .AddPooledDbContextFactory<CheckoutDbContext>(o => o.UseSqlite("Data Source=:memory:"))
            .BuildServiceProvider();
        var factory = services.GetRequiredService<IDbContextFactory<CheckoutDbContext>>();

        using (var first = factory.CreateDbContext()) Assert.Same(_clock, first.Clock);
        using var reused = factory.CreateDbContext();

        Assert.Same(_clock, reused.Clock);
    }

    [Fact]
    public void ScopedContext_UsesTheApplicationsTimeProvider()
    {
        using var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(_clock)
            .AddDbContext<CheckoutDbContext>(o => o.UseSqlite("Data Source=:memory:"))
            .BuildServiceProvider();
        using var scope = services.CreateScope();

        Assert.Same(_clock, scope.ServiceProvider.GetRequiredService<CheckoutDbContext>().Clock);
    }

    [Fact]
    public void ContextBuiltByHand_UsesTheSystemClock()
    {
        using var db = new CheckoutDbContext(new DbContextOptionsBuilder<CheckoutDbContext>().UseSqlite("Data Source=:memory:").Options);

        Assert.Same(TimeProvider.System, db.Clock);
    }
}
