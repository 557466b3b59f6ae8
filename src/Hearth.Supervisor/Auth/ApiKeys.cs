using System.Security.Cryptography;
using System.Text;

namespace Hearth.Supervisor.Auth;

/// <summary>API keys: 256 random bits, stored only as their SHA-256 hash.</summary>
public static class ApiKeys
{
    private const string Prefix = "hearth_";

    /// <summary>A new key and its ID (the ID is not secret; it names the key in listings).</summary>
    public static (string Id, string Key) Generate()
    {
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var id = "key_" + Base64Url(RandomNumberGenerator.GetBytes(9));
        return (id, Prefix + secret);
    }

    /// <summary>The stored form of a key. A fast hash is enough: the key is random and long, so there is nothing to guess.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>
    /// The key in an <c>Authorization</c> header: <c>Simple KEY</c>, <c>Bearer KEY</c>, or the bare <c>KEY</c>, which is
    /// what Algorithmia's official clients send.
    /// </summary>
    public static string? FromAuthorizationHeader(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var trimmed = header.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return trimmed;
        }

        var scheme = trimmed[..space];
        var key = trimmed[(space + 1)..].Trim();
        return key.Length > 0 && (scheme.Equals("Simple", StringComparison.OrdinalIgnoreCase) || scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            ? key
            : null;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
