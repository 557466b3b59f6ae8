namespace Hearth.Supervisor.Auth;

/// <summary>
/// Endpoint metadata: the endpoint checks the caller's key itself, from memory, so the key authentication handler
/// leaves it alone. Only for the call path, where the handler would hash and look up the same key a second time and
/// build a principal nobody reads. The middleware stays in the pipeline for every endpoint (inside the exception
/// handler, so a store outage during a key lookup answers 503).
/// </summary>
internal sealed class ChecksItsOwnKey
{
    public static readonly ChecksItsOwnKey Instance = new();

    private ChecksItsOwnKey()
    {
    }
}
