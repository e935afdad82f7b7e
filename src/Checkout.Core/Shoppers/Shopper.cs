using Checkout.Core.Common;

namespace Checkout.Core.Shoppers;

/// <summary>A person who signs in on Checkout's pages and approves payments.</summary>
public class Shopper
{
    private Shopper() { }

    public string Id { get; private set; } = null!;
    /// <summary>Lower-cased so sign-in is case-insensitive.</summary>
    public string Email { get; private set; } = null!;
    public string PasswordHash { get; private set; } = null!;
    public int FailedSignInCount { get; private set; }
    public DateTimeOffset? LockedOutUntil { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static Shopper Create(string email, string passwordHash, DateTimeOffset now) => new()
    {
        Id = Ids.New("shp"),
        Email = NormalizeEmail(email),
        PasswordHash = passwordHash,
        CreatedAt = now,
    };

    public bool IsLockedOut(DateTimeOffset now) => LockedOutUntil is { } until && until > now;

    /// <summary>Counts a wrong password; after <paramref name="maxFailures"/> in a row the account is locked for a while.</summary>
    public void RecordFailedSignIn(DateTimeOffset now, int maxFailures, TimeSpan lockout)
    {
        FailedSignInCount++;
        if (FailedSignInCount >= maxFailures)
        {
            LockedOutUntil = now + lockout;
            FailedSignInCount = 0;
        }
    }

    public void RecordSuccessfulSignIn()
    {
        FailedSignInCount = 0;
        LockedOutUntil = null;
    }

    public void ChangePasswordHash(string passwordHash) => PasswordHash = passwordHash;
}
