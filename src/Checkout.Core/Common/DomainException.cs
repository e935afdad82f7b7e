namespace Checkout.Core.Common;

/// <summary>A business rule refused an action; <see cref="Code"/> is the stable machine code clients see.</summary>
public class DomainException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
