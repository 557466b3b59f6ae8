using System.Collections.Concurrent;

namespace Hearth.Supervisor.Data;

/// <summary>
/// <c>data://.session</c>: what an instance writes there lives as long as the call it serves. The areas written are
/// remembered here, in memory, so that the end of a call that wrote nothing there (nearly every call) costs no
/// store round trip.
/// </summary>
internal sealed class DataSessions(DataService data)
{
    private readonly ConcurrentDictionary<string, byte> _written = new(StringComparer.Ordinal);

    public static string Root(string session) => $".session/{session}";

    public void Wrote(string session) => _written.TryAdd(session, 0);

    /// <summary>Removes the session's files once the call that made them has ended.</summary>
    public async Task EndAsync(string session)
    {
        if (_written.TryRemove(session, out _))
        {
            await data.RemoveTreeAsync(Root(session), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
