using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Hearth.Worker;

/// <summary>
/// How a worker trusts the supervisor's TLS certificate: the system's trust store, or, when a CA file is
/// configured, that CA alone (a private farm CA need not be installed system-wide). Plain http:// uses neither.
/// </summary>
public static class SupervisorTrust
{
    /// <summary>A handler for the worker's REST and gRPC connections to the supervisor.</summary>
    public static SocketsHttpHandler CreateHandler(string? caFile)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
        };
        if (caFile is not null)
        {
            var authority = LoadAuthority(caFile);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => certificate is X509Certificate2 presented && IsIssuedBy(presented, authority, errors),
            };
        }

        return handler;
    }

    /// <summary>Reads a PEM CA certificate; throws <see cref="ArgumentException"/> naming the file when it is unusable.</summary>
    public static X509Certificate2 LoadAuthority(string caFile)
    {
        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ArgumentException($"TLS CA file {caFile} is not a readable PEM certificate: {e.Message}", e);
        }
    }

    private static bool IsIssuedBy(X509Certificate2 presented, X509Certificate2 authority, SslPolicyErrors errors)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(presented);
    }
}
