namespace Hearth.Supervisor.Auth;

/// <summary>
/// Endpoint metadata: the endpoint checks the caller's key itself, from memory, so the request skips the
/// authentication and authorization middleware and goes straight to it (see the pipeline in
/// <see cref="SupervisorHost"/>). Only for the call path, where the key handler would hash and look up the same key a
/// second time and build a principal nobody reads.
/// </summary>
internal sealed class ChecksItsOwnKey
{
    public static readonly ChecksItsOwnKey Instance = new();

    private ChecksItsOwnKey()
    {
    }
}
