using System.Security.Claims;
using Checkout.Core.Data;
using Checkout.Core.Shoppers;
using Checkout.Web.Hosting;
using Checkout.Web.Sandbox;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Accounts;

public enum SignInStatus
{
    SignedIn,
    InvalidCredentials,
    LockedOut,
}

/// <summary>The outcome of a sign-in; <see cref="LockedOutUntil"/> is set when the account is locked.</summary>
public sealed record SignInResult(SignInStatus Status, DateTimeOffset? LockedOutUntil = null);

public enum SignUpStatus
{
    SignedUp,
    EmailTaken,
}

/// <summary>Shopper sign-in, sign-up and sign-out with the shopper cookie, including lockout after repeated failures.</summary>
public sealed class ShopperSignIn(
    CheckoutDbContext db,
    ShopperPasswords passwords,
    SandboxSeeder sandbox,
    IOptions<AccountOptions> accountOptions,
    IOptions<SandboxOptions> sandboxOptions,
    TimeProvider clock,
    ILogger<ShopperSignIn> logger)
{
    // Verified against when the email is unknown, so a miss costs as much time as a wrong password.
    private static readonly Lazy<string> DecoyHash = new(() => new ShopperPasswords().Hash(Guid.NewGuid().ToString()));

    public async Task<SignInResult> SignInAsync(HttpContext http, string email, string password, CancellationToken cancellationToken)
    {
        var normalized = Shopper.NormalizeEmail(email);
        var candidate = await db.Shoppers.AsNoTracking().SingleOrDefaultAsync(s => s.Email == normalized, cancellationToken);
        if (candidate is null)
        {
            passwords.Verify(Shopper.Create(normalized, DecoyHash.Value, clock.GetUtcNow()), password, out _);
            return new SignInResult(SignInStatus.InvalidCredentials);
        }
        if (candidate.IsLockedOut(clock.GetUtcNow()))
            return new SignInResult(SignInStatus.LockedOut, candidate.LockedOutUntil);

        // The hash check is slow by design, so it runs before the write transaction, not inside it.
        var passwordOk = passwords.Verify(candidate, password, out var needsRehash);

        // Counting failures re-reads the shopper inside a transaction: parallel guesses cannot lose increments.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var shopper = await db.Shoppers.SingleAsync(s => s.Id == candidate.Id, cancellationToken);
        var now = clock.GetUtcNow();
        if (shopper.IsLockedOut(now))
            return new SignInResult(SignInStatus.LockedOut, shopper.LockedOutUntil);

        if (!passwordOk)
        {
            var options = accountOptions.Value;
            shopper.RecordFailedSignIn(now, options.MaxFailedSignIns, options.LockoutDuration);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (shopper.IsLockedOut(now))
            {
                logger.LogWarning("Shopper {ShopperId} locked out until {LockedOutUntil} after failed sign-ins", shopper.Id, shopper.LockedOutUntil);
                return new SignInResult(SignInStatus.LockedOut, shopper.LockedOutUntil);
            }
            return new SignInResult(SignInStatus.InvalidCredentials);
        }

        shopper.RecordSuccessfulSignIn();
        if (needsRehash) shopper.ChangePasswordHash(passwords.Hash(password));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await IssueCookieAsync(http, shopper);
        return new SignInResult(SignInStatus.SignedIn);
    }

    public async Task<SignUpStatus> SignUpAsync(HttpContext http, string email, string password, CancellationToken cancellationToken)
    {
        var normalized = Shopper.NormalizeEmail(email);
        if (await db.Shoppers.AnyAsync(s => s.Email == normalized, cancellationToken))
            return SignUpStatus.EmailTaken;

        var shopper = Shopper.Create(normalized, passwords.Hash(password), clock.GetUtcNow());
        db.Shoppers.Add(shopper);
        if (sandboxOptions.Value.Enabled)
        {
            sandbox.OpenWallets(shopper.Id);
            sandbox.SaveTestCards(shopper.Id, clock.GetUtcNow());
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two sign-ups with one email at once: the unique index let exactly one through.
            db.ChangeTracker.Clear();
            if (await db.Shoppers.AnyAsync(s => s.Email == normalized, cancellationToken)) return SignUpStatus.EmailTaken;
            throw;
        }
        logger.LogInformation("Shopper {ShopperId} signed up", shopper.Id);
        await IssueCookieAsync(http, shopper);
        return SignUpStatus.SignedUp;
    }

    public static Task SignOutAsync(HttpContext http) =>
        http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);

    /// <summary>The claims pages read: NameIdentifier is the shopper id.</summary>
    public static ClaimsPrincipal PrincipalFor(Shopper shopper) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, shopper.Id),
                new Claim(ClaimTypes.Email, shopper.Email),
                new Claim(ClaimTypes.Name, shopper.Email),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme));

    private static Task IssueCookieAsync(HttpContext http, Shopper shopper) =>
        http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, PrincipalFor(shopper));
}
