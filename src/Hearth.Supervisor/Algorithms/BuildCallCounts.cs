using System.Collections.Concurrent;
using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// Calls answered and errors per build since the supervisor started, for the admin's algorithm page: an error is any
/// answer but the algorithm's own result (its error, a crash, a timeout, no capacity).
/// </summary>
internal sealed class BuildCallCounts
{
    private readonly ConcurrentDictionary<(AlgorithmName Algorithm, string Hash), Counts> _counts = new();

    public void Add(AlgorithmName algorithm, string hash, CallStatus status)
    {
        var counts = _counts.GetOrAdd((algorithm, hash), static _ => new Counts());
        Interlocked.Increment(ref counts.Calls);
        if (status != CallStatus.Ok)
        {
            Interlocked.Increment(ref counts.Errors);
        }
    }

    /// <summary>Calls and errors of one build; zero for a build never called.</summary>
    public (long Calls, long Errors) Of(AlgorithmName algorithm, string hash) =>
        _counts.TryGetValue((algorithm, hash), out var counts) ? (Interlocked.Read(ref counts.Calls), Interlocked.Read(ref counts.Errors)) : (0, 0);

    private sealed class Counts
    {
        public long Calls;
        public long Errors;
    }
}
