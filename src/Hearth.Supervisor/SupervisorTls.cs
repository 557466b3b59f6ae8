using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hearth.Supervisor;

/// <summary>The supervisor's optional TLS certificate, from PEM files as certificate authorities and ACME clients write them.</summary>
internal static class SupervisorTls
{
    /// <summary>Null when neither file is given; throws <see cref="ArgumentException"/> naming the file when one is missing or unusable.</summary>
    public static X509Certificate2? Load(string? certificateFile, string? keyFile)
    {
        if (certificateFile is null && keyFile is null)
        {
            return null;
        }

        if (certificateFile is null || keyFile is null)
        {
            throw new ArgumentException("TLS needs both a certificate and its private key (--tls-cert and --tls-key)");
        }

        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            // A PEM key is ephemeral; exporting and re-importing gives SslStream a key it can use on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ArgumentException($"TLS certificate {certificateFile} with key {keyFile} cannot be used: {e.Message}", e);
        }
    }
}
