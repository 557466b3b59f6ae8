using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Data;

/// <summary>
/// Who asks the data API: an account as a caller (null for an admin key, which reaches every collection) and, for a
/// key an instance holds, the instance and its algorithm. An instance reads and writes as its caller; its algorithm
/// only adds what <c>algo://.my/*</c> grants its owner's algorithms, and names <c>.algo/temp</c>.
/// </summary>
internal sealed record DataCaller(Caller? Account, string? InstanceId, AlgorithmName? Algorithm)
{
    public bool IsAdmin => Account is null;

    public bool IsMemberOf(string owner) => Account is null || Account.IsMemberOf(owner);
}
