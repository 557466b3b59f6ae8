namespace Hearth.Supervisor.Objects;

/// <summary>
/// Where objects live, from <c>--objects</c>: <c>s3://BUCKET[/PREFIX]</c> (with <c>--objects-endpoint URL</c> for a
/// store other than AWS), or a directory; none means the directory <c>objects</c> under <c>--data</c>.
/// </summary>
public sealed record ObjectStoreLocation(string? Directory, string? Bucket, string Prefix, Uri? Endpoint)
{
    public static ObjectStoreLocation Parse(string? objects, string? endpoint, string dataDirectory)
    {
        Uri? endpointUri = null;
        if (endpoint is { Length: > 0 } && (!Uri.TryCreate(endpoint, UriKind.Absolute, out endpointUri) || endpointUri.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException($"--objects-endpoint \"{endpoint}\" is not an http:// or https:// URL");
        }

        if (objects is null or "")
        {
            return endpointUri is null
                ? new ObjectStoreLocation(Path.Combine(dataDirectory, "objects"), null, "", null)
                : throw new ArgumentException("--objects-endpoint needs --objects s3://BUCKET/PREFIX");
        }

        if (!objects.StartsWith("s3://", StringComparison.Ordinal))
        {
            return endpointUri is null
                ? new ObjectStoreLocation(objects, null, "", null)
                : throw new ArgumentException("--objects-endpoint is for an S3 store: give --objects s3://BUCKET/PREFIX");
        }

        var rest = objects["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        if (bucket.Length is < 3 or > 63 || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
        {
            throw new ArgumentException($"--objects \"{objects}\": bucket \"{bucket}\" is not an S3 bucket name (3 to 63 lower-case letters, digits, '-' and '.')");
        }

        if (prefix.Length > 0 && ObjectKeys.Why(prefix) is { } why)
        {
            throw new ArgumentException($"--objects \"{objects}\": the prefix is not valid: {why}");
        }

        return new ObjectStoreLocation(null, bucket, prefix, endpointUri);
    }

    public IObjectStore Open() => Bucket is null ? new FileObjectStore(Directory!) : new S3ObjectStore(this);

    public override string ToString() => Bucket is null
        ? Directory!
        : $"s3://{Bucket}/{Prefix}" + (Endpoint is null ? "" : $" at {Endpoint}");
}
