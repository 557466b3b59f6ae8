using Hearth.Core.Placement;

namespace Hearth.Core.Algorithms;

/// <summary>
/// One process of one build for one calling account, holding the build's reservation on one worker.
/// It changes state only through the guarded methods below, which throw on an illegal transition.
/// </summary>
public sealed class AlgorithmInstance
{
    internal AlgorithmInstance(string id, string account, InstanceTemplate template, string? reservationId, DateTimeOffset now)
    {
        Id = id;
        Account = account;
        Template = template;
        Key = PoolKey.Of(account, template);
        ReservationId = reservationId;
        CreatedAt = now;
        LastUsed = now;
        IdleSince = now;
    }

    /// <summary>Also the ID of its work on the ledger.</summary>
    public string Id { get; }

    public string Account { get; }

    public InstanceTemplate Template { get; }

    public PoolKey Key { get; }

    public InstanceState State { get; private set; } = InstanceState.Starting;

    /// <summary>The worker it was placed on; null while it waits for placement.</summary>
    public string? Worker { get; private set; }

    /// <summary>The reservation that keeps it warm, or null for an on-demand instance.</summary>
    public string? ReservationId { get; private set; }

    /// <summary>A reserved instance is never stopped for idleness or evicted, and its account's calls go to it first.</summary>
    public bool Reserved => ReservationId is not null;

    public DateTimeOffset CreatedAt { get; }

    /// <summary>When it printed PIPE_INIT_COMPLETE; null while starting.</summary>
    public DateTimeOffset? ReadyAt { get; private set; }

    /// <summary>When it last finished a call, or became ready if it has served none.</summary>
    public DateTimeOffset LastUsed { get; private set; }

    /// <summary>Where the idle-timeout clock starts: the last use, or when a reservation let it go.</summary>
    public DateTimeOffset IdleSince { get; private set; }

    /// <summary>The call it is serving while busy.</summary>
    public long? CurrentCall { get; private set; }

    public long CallsServed { get; private set; }

    /// <summary>Why it is stopping, once it is.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Its work on the shared ledger: the manifest's reservation, at the pool's instance priority.</summary>
    public WorkRequest ToWorkRequest(int priority, long sequence) =>
        new(Id, Template.Resources, priority, sequence, Template.Requirements) { Account = Account, IsInstance = true };

    internal void Place(string worker)
    {
        Require(InstanceState.Starting, "be placed");
        if (Worker is not null)
        {
            throw new InstanceTransitionException($"instance {Id} is already placed on {Worker}");
        }

        Worker = worker;
    }

    internal void MarkReady(DateTimeOffset now)
    {
        Require(InstanceState.Starting, "become ready");
        if (Worker is null)
        {
            throw new InstanceTransitionException($"instance {Id} cannot become ready before it is placed");
        }

        State = InstanceState.Idle;
        ReadyAt = now;
        LastUsed = now;
        IdleSince = now;
    }

    internal void Begin(long call)
    {
        Require(InstanceState.Idle, "take a call");
        State = InstanceState.Busy;
        CurrentCall = call;
    }

    internal void End(DateTimeOffset now)
    {
        Require(InstanceState.Busy, "finish a call");
        State = InstanceState.Idle;
        CurrentCall = null;
        CallsServed++;
        LastUsed = now;
        IdleSince = now;
    }

    internal void BeginStopping(string reason)
    {
        if (State == InstanceState.Stopping)
        {
            return;
        }

        State = InstanceState.Stopping;
        StopReason = reason;
    }

    internal void SetReservation(string? reservationId, DateTimeOffset now)
    {
        if (ReservationId is not null && reservationId is null && now > IdleSince)
        {
            IdleSince = now;
        }

        ReservationId = reservationId;
    }

    private void Require(InstanceState expected, string action)
    {
        if (State != expected)
        {
            throw new InstanceTransitionException($"instance {Id} is {State.ToString().ToLowerInvariant()} and cannot {action}");
        }
    }

    public override string ToString() => $"{Id} ({Template.Algorithm} {Key}, {State})";
}
