using Checkout.Core.Shoppers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Checkout.Core.Data.Configurations;

internal sealed class ShopperConfiguration : IEntityTypeConfiguration<Shopper>
{
    public void Configure(EntityTypeBuilder<Shopper> builder)
    {
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(64);
        builder.Property(s => s.Email).HasMaxLength(256);
        builder.HasIndex(s => s.Email).IsUnique();
    }
}

internal sealed class WalletBalanceConfiguration : IEntityTypeConfiguration<WalletBalance>
{
    public void Configure(EntityTypeBuilder<WalletBalance> builder)
    {
        builder.HasKey(w => new { w.ShopperId, w.Currency });
        builder.Property(w => w.Currency).HasMaxLength(3);
        builder.Property(w => w.Version).IsConcurrencyToken();
        builder.HasOne<Shopper>().WithMany().HasForeignKey(w => w.ShopperId);
    }
}

internal sealed class SavedCardConfiguration : IEntityTypeConfiguration<SavedCard>
{
    public void Configure(EntityTypeBuilder<SavedCard> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasMaxLength(64);
        builder.Property(c => c.Brand).HasMaxLength(32);
        builder.Property(c => c.Last4).HasMaxLength(4);
        builder.Property(c => c.ProcessorToken).HasMaxLength(128);
        builder.HasOne<Shopper>().WithMany().HasForeignKey(c => c.ShopperId);
        builder.HasIndex(c => c.ShopperId);
    }
}
