using System.Security.Cryptography;
using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace Checkout.Web.Security;

/// <summary>
/// The key that signs merchant access tokens. Generated once, stored in the database so tokens survive
/// restarts and every instance accepts them, and read once per process (not per request).
/// </summary>
public sealed class TokenSigningKey(IServiceScopeFactory scopes, TimeProvider clock)
{
    private const string SecretName = "oauth-token-signing-key";
    private readonly Lazy<SymmetricSecurityKey> _key = new(() => LoadOrCreate(scopes, clock));

    public SymmetricSecurityKey Key => _key.Value;

    private static SymmetricSecurityKey LoadOrCreate(IServiceScopeFactory scopes, TimeProvider clock)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var stored = db.StoredSecrets.AsNoTracking().SingleOrDefault(s => s.Name == SecretName);
        if (stored is null)
        {
            db.StoredSecrets.Add(new StoredSecret(SecretName, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)), clock.GetUtcNow()));
            try
            {
                db.SaveChanges();
            }
            catch (DbUpdateException)
            {
                // Another instance created it first; use theirs.
            }
            db.ChangeTracker.Clear();
            stored = db.StoredSecrets.AsNoTracking().Single(s => s.Name == SecretName);
        }
        return new SymmetricSecurityKey(Convert.FromBase64String(stored.Value)) { KeyId = SecretName };
    }
}
