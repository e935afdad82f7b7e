namespace Checkout.Bench.Ceiling;

public static class Program
{
    public static async Task Main(string[] args) => await CeilingApp.Build(args).RunAsync();
}
