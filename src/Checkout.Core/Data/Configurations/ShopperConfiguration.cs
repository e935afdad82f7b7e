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
