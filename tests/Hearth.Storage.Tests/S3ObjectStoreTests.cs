using Amazon.Runtime;
using Hearth.Supervisor.Objects;
using Hearth.Testing;

namespace Hearth.Storage.Tests;

/// <summary>The object-store contract against a real S3-compatible server (s3rver) on a port of its own.</summary>
public sealed class S3ObjectStoreTests(S3Server server) : ObjectStoreContract
{
    protected override async Task<IObjectStore> CreateStoreAsync()
    {
        var endpoint = await server.EndpointAsync(Cancel);
        var location = ObjectStoreLocation.Parse($"s3://{S3Server.Bucket}/test-{Guid.NewGuid():N}", endpoint.ToString(), "/unused");
        return new S3ObjectStore(location, new BasicAWSCredentials(S3Server.AccessKey, S3Server.SecretKey));
    }
}
