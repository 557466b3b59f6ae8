namespace Hearth.Protocol.Rest;

/// <summary>
/// The ledger checked against the work that holds it, at one instant of the scheduling loop: for every
/// resource on every host and globally, <c>used</c> must equal the sum of the live allocations
/// (<c>allocated</c>) and stay within 0 and <c>total</c>.
/// </summary>
public sealed record LedgerAuditView(
    bool Consistent,
    DateTimeOffset At,
    int LiveAllocations,
    IReadOnlyList<LedgerLineView> Resources,
    IReadOnlyList<string> Problems);
