namespace Checkout.Bench.Receiver;

public static class Program
{
    public static async Task Main(string[] args) => await ReceiverApp.Build(args).App.RunAsync();
}
