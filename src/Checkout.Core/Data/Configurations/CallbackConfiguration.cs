using Checkout.Core.Callbacks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Checkout.Core.Data.Configurations;

internal sealed class CallbackEventConfiguration : IEntityTypeConfiguration<CallbackEvent>
{
    public void Configure(EntityTypeBuilder<CallbackEvent> builder)
    {
        builder.ToTable("Events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(64);
        builder.Property(e => e.MerchantId).HasMaxLength(64);
        builder.Property(e => e.Type).HasMaxLength(64);
        builder.HasIndex(e => new { e.MerchantId, e.CreatedAt });
    }
}

internal sealed class CallbackDeliveryConfiguration : IEntityTypeConfiguration<CallbackDelivery>
{
    public void Configure(EntityTypeBuilder<CallbackDelivery> builder)
    {
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).HasMaxLength(64);
        builder.Property(d => d.EventId).HasMaxLength(64);
        builder.Property(d => d.MerchantId).HasMaxLength(64);
        builder.Property(d => d.Url).HasMaxLength(2048);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<CallbackEvent>().WithMany().HasForeignKey(d => d.EventId);
        builder.HasMany(d => d.Attempts).WithOne().HasForeignKey(a => a.DeliveryId);
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => d.EventId);
    }
}

internal sealed class CallbackAttemptConfiguration : IEntityTypeConfiguration<CallbackAttempt>
{
    public void Configure(EntityTypeBuilder<CallbackAttempt> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.DeliveryId).HasMaxLength(64);
        builder.Property(a => a.Error).HasMaxLength(1000);
    }
}
