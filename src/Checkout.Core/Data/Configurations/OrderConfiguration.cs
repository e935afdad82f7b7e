using System.Text.Json;
using Checkout.Core.Merchants;
using Checkout.Core.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Checkout.Core.Data.Configurations;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).HasMaxLength(64);
        builder.Property(o => o.MerchantId).HasMaxLength(64);
        builder.Property(o => o.Status).HasConversion(s => s.ToApiName(), s => Parse(s)).HasMaxLength(32);
        builder.Property(o => o.CaptureMethod).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.Currency).HasMaxLength(3);
        builder.Property(o => o.Description).HasMaxLength(500);
        builder.Property(o => o.Reference).HasMaxLength(100);
        builder.Property(o => o.SuccessUrl).HasMaxLength(2048);
        builder.Property(o => o.ErrorUrl).HasMaxLength(2048);
        builder.Property(o => o.CallbackUrl).HasMaxLength(2048);
        builder.Property(o => o.PaymentMethod).HasMaxLength(64);
        builder.Property(o => o.ShopperId).HasMaxLength(64);
        builder.Property(o => o.Version).IsConcurrencyToken();
        builder.Property(o => o.Metadata).HasConversion(
            m => JsonSerializer.Serialize(m, (JsonSerializerOptions?)null),
            s => JsonSerializer.Deserialize<Dictionary<string, string>>(s, (JsonSerializerOptions?)null) ?? new(),
            new ValueComparer<Dictionary<string, string>>(
                (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
                d => d.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value)),
                d => new Dictionary<string, string>(d)));
        builder.OwnsOne(o => o.LastPaymentError, e =>
        {
            e.Property(p => p.Code).HasMaxLength(64);
            e.Property(p => p.DeclineCode).HasMaxLength(64);
            e.Property(p => p.Message).HasMaxLength(500);
        });
        builder.Property(o => o.CardBrand).HasMaxLength(32);
        builder.Property(o => o.CardLast4).HasMaxLength(4);
        builder.Property(o => o.Processor).HasMaxLength(32);
        builder.Property(o => o.ProcessorReference).HasMaxLength(128);
        builder.OwnsMany(o => o.Attempts, a =>
        {
            a.ToTable("PaymentAttempts");
            a.WithOwner().HasForeignKey("OrderId");
            // A generated key: with (OrderId, Number) EF would take a new attempt for an existing row and UPDATE it.
            a.Property<long>("Id").ValueGeneratedOnAdd();
            a.HasKey("Id");
            a.HasIndex("OrderId", nameof(PaymentAttempt.Number)).IsUnique();
            a.Property(p => p.PaymentMethod).HasMaxLength(16);
            a.Property(p => p.CardBrand).HasMaxLength(32);
            a.Property(p => p.CardLast4).HasMaxLength(4);
            a.Property(p => p.Outcome).HasMaxLength(32);
            a.Property(p => p.DeclineCode).HasMaxLength(64);
            a.Property(p => p.ProcessorReference).HasMaxLength(128);
        });
        builder.Navigation(o => o.Attempts).AutoInclude();
        builder.OwnsOne(o => o.Dispute, d =>
        {
            d.Property(p => p.Id).HasMaxLength(64);
            d.Property(p => p.Status).HasMaxLength(32);
            d.Property(p => p.Reason).HasMaxLength(64);
            d.Ignore(p => p.IsOpen);
            d.HasIndex(p => new { p.Status, p.OpensAt }); // the reconciler looks for due scheduled disputes each pass
        });
        builder.Ignore(o => o.HasOpenDispute);
        builder.Ignore(o => o.RaisedEvents);
        builder.Ignore(o => o.CurrencyInfo);
        builder.HasOne<Merchant>().WithMany().HasForeignKey(o => o.MerchantId);
        builder.HasIndex(o => new { o.MerchantId, o.CreatedAt });
        builder.HasIndex(o => new { o.MerchantId, o.Reference });
        builder.HasIndex(o => new { o.Status, o.ExpiresAt });
        builder.HasIndex(o => o.ShopperId);
        builder.HasIndex(o => new { o.Status, o.AuthorizedAt });
    }

    // Internal, not private: the compiled model (Data/CompiledModels) calls it.
    internal static OrderStatus Parse(string name) =>
        OrderStatusExtensions.TryParseApiName(name, out var status) ? status : throw new InvalidOperationException($"Unknown order status '{name}'.");
}
