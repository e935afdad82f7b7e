using System.Security.Cryptography;

namespace Checkout.Core.Common;

/// <summary>Public identifiers: a type prefix and 24 random characters (ord_…, evt_…).</summary>
public static class Ids
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix) => prefix + "_" + RandomNumberGenerator.GetString(Alphabet, 24);

    /// <summary>A random secret with a readable prefix, e.g. whsec_….</summary>
    public static string NewSecret(string prefix) => prefix + "_" + RandomNumberGenerator.GetString(Alphabet + "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 40);
}
