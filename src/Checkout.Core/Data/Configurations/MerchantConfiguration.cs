using Checkout.Core.Merchants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Checkout.Core.Data.Configurations;

internal sealed class MerchantConfiguration : IEntityTypeConfiguration<Merchant>
{
    public void Configure(EntityTypeBuilder<Merchant> builder)
    {
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasMaxLength(64);
        builder.Property(m => m.Name).HasMaxLength(200);
        builder.Property(m => m.ClientSecretHash).HasMaxLength(128);
        builder.Property(m => m.WebhookSecret).HasMaxLength(128);
        builder.PrimitiveCollection(m => m.AllowedHosts);
    }
}
