using System.Security.Cryptography;

namespace Checkout.Core.Common;

/// <summary>Public identifiers: a type prefix and 24 characters of 0-9a-z (ord_…, evt_…).</summary>
public static class Ids
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix) => prefix + "_" + RandomNumberGenerator.GetString(Alphabet, 24);

    /// <summary>
    /// The same shape, ordered by creation time: 9 characters of the millisecond in base 36, then 15 random ones
    /// (77 bits). For rows written at a high rate: a new primary-key entry lands on the index's last page instead
    /// of a random one, so a commit writes fewer pages and the write-ahead log grows more slowly.
    /// </summary>
    public static string NewTimeOrdered(string prefix, DateTimeOffset now)
    {
        Span<char> id = stackalloc char[TimeDigits + RandomDigits];
        var millisecond = Math.Max(0, now.ToUnixTimeMilliseconds());
        for (var i = TimeDigits - 1; i >= 0; i--, millisecond /= Alphabet.Length)
            id[i] = Alphabet[(int)(millisecond % Alphabet.Length)];
        RandomNumberGenerator.GetItems(Alphabet, id[TimeDigits..]);
        return prefix + "_" + new string(id);
    }

    // 36^9 milliseconds reach past the year 5000.
    private const int TimeDigits = 9;
    private const int RandomDigits = 15;

    /// <summary>A random secret with a readable prefix, e.g. whsec_….</summary>
    public static string NewSecret(string prefix) => prefix + "_" + RandomNumberGenerator.GetString(Alphabet + "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 40);
}
