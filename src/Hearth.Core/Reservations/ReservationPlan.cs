using Hearth.Core.Algorithms;

namespace Hearth.Core.Reservations;

/// <summary>What the reconciler asks the supervisor to do; each names the reservation it serves.</summary>
public abstract record ReservationCommand(string ReservationId);

/// <summary>Start a new instance of <paramref name="Template"/> for <paramref name="Account"/>, held by the reservation from the start.</summary>
public sealed record StartReservedInstance(string ReservationId, string Account, InstanceTemplate Template) : ReservationCommand(ReservationId);

/// <summary>Mark an existing on-demand instance as the reservation's: it stays warm from now on.</summary>
public sealed record ReserveInstance(string ReservationId, string InstanceId) : ReservationCommand(ReservationId);

/// <summary>Stop an instance the reservation no longer needs (an old build's, after the new one is warm).</summary>
public sealed record RetireInstance(string ReservationId, string InstanceId, string Reason) : ReservationCommand(ReservationId);

/// <summary>
/// Return an instance to the ordinary pool: it keeps serving its account and stops after the idle timeout like any
/// other. <paramref name="ReservationId"/> is the reservation that let it go (possibly one that no longer exists).
/// </summary>
public sealed record ReleaseInstance(string ReservationId, string InstanceId, string Reason) : ReservationCommand(ReservationId);

/// <summary>A reservation's state: all instances warm, still getting there, or unable to.</summary>
public enum ReservationState
{
    Ready,
    Pending,
    Failing,
}

/// <summary>
/// A reservation's status: <see cref="Desired"/> instances wanted now, <see cref="Ready"/> warm and
/// <see cref="Starting"/> loading on the current target, <see cref="Retiring"/> warm on a previous target while a
/// roll completes, and a <see cref="Reason"/> a person can act on. <see cref="ServingHashes"/> lists the builds whose
/// reserved instances may serve the account's calls now: the target first, then previous builds still warm.
/// </summary>
public sealed record ReservationStatus(
    string ReservationId,
    int Desired,
    int Ready,
    int Starting,
    int Retiring,
    ReservationState State,
    string Reason,
    string? TargetHash,
    string? TargetVersion,
    IReadOnlyList<string> ServingHashes)
{
    public string StateName => State switch
    {
        ReservationState.Ready => "ready",
        ReservationState.Pending => "pending",
        _ => "failing",
    };
}

/// <summary>One reconciliation: commands to apply in order, every reservation's status, and when to look again at the latest.</summary>
public sealed record ReservationPlan(IReadOnlyList<ReservationCommand> Commands, IReadOnlyList<ReservationStatus> Statuses, DateTimeOffset? NextDue)
{
    public ReservationStatus? StatusOf(string reservationId) => Statuses.FirstOrDefault(s => s.ReservationId == reservationId);
}

/// <summary>
/// How hard the reconciler retries a build that fails to load, and how long before a scheduled window opens its extra
/// instances start (<see cref="ScheduleLead"/>), so that they are warm when it opens rather than loading then.
/// </summary>
public sealed record ReconcilerSettings(TimeSpan RetryBase, TimeSpan RetryMax, TimeSpan ScheduleLead)
{
    public static readonly ReconcilerSettings Default = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(2));

    /// <summary>The wait before the next try after <paramref name="failures"/> consecutive load failures: doubling, capped.</summary>
    public TimeSpan RetryDelay(int failures)
    {
        if (failures <= 0)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(failures - 1, 30);
        var delay = RetryBase * Math.Pow(2, doublings);
        return delay < RetryMax ? delay : RetryMax;
    }
}
