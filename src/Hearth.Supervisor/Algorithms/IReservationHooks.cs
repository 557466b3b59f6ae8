using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// What reservations add to the call path and hear back from it: previous builds that may serve a call while a roll
/// completes, the loads of reserved instances (their health), and every served call (their warm and spilled counters).
/// </summary>
internal interface IReservationHooks
{
    /// <summary>The builds, target first, whose warm instances may serve a call that resolved to <paramref name="hash"/>.</summary>
    IReadOnlyList<string> Candidates(string account, AlgorithmName algorithm, VersionReferenceKind reference, string hash);

    /// <summary>A reserved instance of <paramref name="hash"/> loaded.</summary>
    void Loaded(string reservationId, string hash);

    /// <summary>A reserved instance of <paramref name="hash"/> exited while it loaded, for <paramref name="reason"/>.</summary>
    void LoadFailed(string reservationId, string hash, DateTimeOffset at, string reason);

    /// <summary>A call of <paramref name="account"/> was served on <paramref name="hash"/> by an instance that <paramref name="reservationId"/> holds, or an on-demand one.</summary>
    void CallServed(string account, string hash, string? reservationId);
}
