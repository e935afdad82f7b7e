using Checkout.Web.Hosting;
using Checkout.Web.Merchants;

if (MerchantsCommand.Matches(args))
    return await MerchantsCommand.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddCheckout();

var app = builder.Build();
await app.PrepareDatabaseAsync();
app.UseCheckout();
app.MapCheckout();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so test hosts can start the real app.</summary>
public partial class Program;
