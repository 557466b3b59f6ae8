using System.Buffers;
using System.Globalization;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Hearth.Supervisor.Objects;

/// <summary>
/// Any S3-compatible store (AWS S3, MinIO, Ceph) through the AWS SDK, with path-style addressing, every key under
/// one prefix of one bucket. Credentials come the standard AWS way (environment, profile, instance role) unless
/// given. A put sends a small object at once and a large one as a multipart upload of <see cref="PartSize"/> parts,
/// one part in memory at a time; the object appears only when the upload completes, and a failed one is aborted.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    public const int PartSize = 8 * 1024 * 1024;

    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly string _prefix;

    public S3ObjectStore(ObjectStoreLocation location, AWSCredentials? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        _bucket = location.Bucket!;
        _prefix = location.Prefix.Length == 0 ? "" : location.Prefix.TrimEnd('/') + "/";
        var config = new AmazonS3Config
        {
            ForcePathStyle = true,
            // Plain signed bodies (no aws-chunked framing) and checksums only where S3 demands them: S3-compatible stores differ in which trailing checksums they take.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (location.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1";
        }

        _client = credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
        Name = $"s3 {location}";
    }

    public string Name { get; }

    public async Task<ObjectInfo> PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var full = Full(key);
        var buffer = ArrayPool<byte>.Shared.Rent(PartSize);
        try
        {
            var filled = await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false);
            if (filled < PartSize)
            {
                using var body = new MemoryStream(buffer, 0, filled, writable: false);
                await _client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = full, InputStream = body, AutoCloseStream = false, UseChunkEncoding = false }, cancellationToken)
                    .ConfigureAwait(false);
            }
            else
            {
                await PutInPartsAsync(full, content, buffer, filled, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return await HeadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new IOException($"object {key} was written to {Name} but is not there");
    }

    private async Task PutInPartsAsync(string full, Stream content, byte[] buffer, int filled, CancellationToken cancellationToken)
    {
        var upload = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = full }, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            var parts = new List<PartETag>();
            while (filled > 0)
            {
                using var body = new MemoryStream(buffer, 0, filled, writable: false);
                var part = await _client.UploadPartAsync(
                    new UploadPartRequest { BucketName = _bucket, Key = full, UploadId = upload.UploadId, PartNumber = parts.Count + 1, InputStream = body, PartSize = filled, UseChunkEncoding = false },
                    cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(parts.Count + 1, part.ETag));
                filled = await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false);
            }

            await _client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = _bucket, Key = full, UploadId = upload.UploadId, PartETags = parts }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortAsync(full, upload.UploadId).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Lets go of an unfinished upload's parts, never on the caller's token (a cancelled upload must still be let go
    /// of). The upload never becomes an object either way; a store that cannot abort keeps its parts until the
    /// bucket's lifecycle rule for incomplete uploads removes them.
    /// </summary>
    private async Task AbortAsync(string full, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = full, UploadId = uploadId }, CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (AmazonServiceException)
        {
            // The failure that ended the upload is the one to report.
        }
    }

    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < PartSize)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, PartSize - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    public async Task<ObjectRead?> GetAsync(string key, long offset, long? length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var request = new GetObjectRequest { BucketName = _bucket, Key = Full(key) };
        if (offset > 0 || length is not null)
        {
            if (length == 0)
            {
                return await EmptyAsync(key, offset, cancellationToken).ConfigureAwait(false);
            }

            request.ByteRange = length is { } l ? new ByteRange(offset, offset + l - 1) : new ByteRange($"bytes={offset.ToString(CultureInfo.InvariantCulture)}-");
        }

        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return await EmptyAsync(key, offset, cancellationToken).ConfigureAwait(false);
        }

        var size = TotalSize(response.ContentRange) ?? response.ContentLength;
        var start = request.ByteRange is null ? 0 : offset;
        var info = new ObjectInfo(key, size, Modified(response.LastModified));
        return new ObjectRead(info, start, response.ContentLength, response.ResponseStream, response);
    }

    private async Task<ObjectRead?> EmptyAsync(string key, long offset, CancellationToken cancellationToken) =>
        await HeadAsync(key, cancellationToken).ConfigureAwait(false) is { } info
            ? new ObjectRead(info, Math.Min(offset, info.Size), 0, Stream.Null)
            : null;

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = Full(key) }, cancellationToken).ConfigureAwait(false);
            return new ObjectInfo(key, head.ContentLength, Modified(head.LastModified));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<ObjectPage> ListAsync(string prefix, string? marker, int max, CancellationToken cancellationToken)
    {
        ObjectKeys.CheckPrefix(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        // The first listing API: every S3-compatible store pages it by marker, as this interface does.
        var request = new ListObjectsRequest { BucketName = _bucket, Prefix = _prefix + prefix, MaxKeys = max };
        if (marker is not null)
        {
            request.Marker = _prefix + marker;
        }

        var response = await _client.ListObjectsAsync(request, cancellationToken).ConfigureAwait(false);
        var objects = (response.S3Objects ?? []).Select(o => new ObjectInfo(o.Key[_prefix.Length..], o.Size ?? 0, Modified(o.LastModified))).ToList();
        return new ObjectPage(objects, response.IsTruncated == true && objects.Count > 0 ? objects[^1].Key : null);
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        // S3 answers a delete the same whether or not the object was there.
        if (await HeadAsync(key, cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = Full(key) }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public void Dispose() => _client.Dispose();

    private string Full(string key) => _prefix + ObjectKeys.Check(key);

    private static long? TotalSize(string? contentRange)
    {
        var slash = contentRange?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total) ? total : null;
    }

    private static DateTimeOffset Modified(DateTime? at) => at is { } t ? new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.UnixEpoch;
}
