using System.Text.Json;
using Checkout.Core.Merchants;
using Checkout.Core.Orders;
using Checkout.Core.Refunds;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Checkout.Core.Data.Configurations;

internal sealed class RefundConfiguration : IEntityTypeConfiguration<Refund>
{
    public void Configure(EntityTypeBuilder<Refund> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasMaxLength(64);
        builder.Property(r => r.OrderId).HasMaxLength(64);
        builder.Property(r => r.MerchantId).HasMaxLength(64);
        builder.Property(r => r.Currency).HasMaxLength(3);
        builder.Property(r => r.Status).HasConversion(s => s.ToApiName(), s => Parse(s)).HasMaxLength(16);
        builder.Property(r => r.Reason).HasMaxLength(500);
        builder.Property(r => r.FailureReason).HasMaxLength(500);
        builder.Property(r => r.IdempotencyKey).HasMaxLength(255);
        builder.Property(r => r.IdempotencyFingerprint).HasMaxLength(64);
        builder.Property(r => r.CallbackUrl).HasMaxLength(2048);
        builder.Property(r => r.Processor).HasMaxLength(32);
        builder.Property(r => r.ProcessorReference).HasMaxLength(128);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.Property(r => r.Metadata).HasConversion(
            m => JsonSerializer.Serialize(m, (JsonSerializerOptions?)null),
            s => JsonSerializer.Deserialize<Dictionary<string, string>>(s, (JsonSerializerOptions?)null) ?? new(),
            new ValueComparer<Dictionary<string, string>>(
                (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
                d => d.Aggregate(0, (h, kv) => HashCode.Combine(h, kv.Key, kv.Value)),
                d => new Dictionary<string, string>(d)));
        builder.Ignore(r => r.RaisedEvents);
        builder.Ignore(r => r.IsFinal);
        builder.Ignore(r => r.IsSubmitted);

        builder.HasOne<Order>().WithMany(o => o.Refunds).HasForeignKey(r => r.OrderId);
        builder.HasOne<Merchant>().WithMany().HasForeignKey(r => r.MerchantId);
        builder.HasIndex(r => new { r.OrderId, r.CreatedAt });
        builder.HasIndex(r => new { r.MerchantId, r.CreatedAt });
        // NULLs are distinct in unique indexes (SQLite and PostgreSQL): only batch items with a key are constrained.
        builder.HasIndex(r => new { r.MerchantId, r.IdempotencyKey }).IsUnique();
        builder.HasIndex(r => new { r.Status, r.NextCheckAt });
    }

    // Internal, not private: the compiled model (Data/CompiledModels) calls it.
    internal static RefundStatus Parse(string name) =>
        RefundStatusExtensions.TryParseApiName(name, out var status) ? status : throw new InvalidOperationException($"Unknown refund status '{name}'.");
}

/// <summary>An order is read with its refunds, so its JSON (and its refund rules) always see them.</summary>
internal sealed class OrderRefundsConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.Navigation(o => o.Refunds).AutoInclude();
        builder.Ignore(o => o.AmountRefundable);
    }
}
