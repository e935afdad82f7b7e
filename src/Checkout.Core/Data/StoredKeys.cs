namespace Checkout.Core.Data;

/// <summary>A named secret the host generates once and shares between restarts and instances (e.g. the token signing key).</summary>
public class StoredSecret(string name, string value, DateTimeOffset createdAt)
{
    public string Name { get; private set; } = name;
    public string Value { get; private set; } = value;
    public DateTimeOffset CreatedAt { get; private set; } = createdAt;
}

/// <summary>One ASP.NET Core Data Protection key, so sign-in cookies survive restarts and work on every instance.</summary>
public class DataProtectionKeyRow(string friendlyName, string xml)
{
    public int Id { get; private set; }
    public string FriendlyName { get; private set; } = friendlyName;
    public string Xml { get; private set; } = xml;
}
