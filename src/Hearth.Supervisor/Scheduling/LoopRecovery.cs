using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// How the scheduling loop comes back after a failed cycle or a failed reload. The store's trouble (unreachable,
/// restarting, out of space) is waited out for as long as it lasts, trying again every quarter second at first and
/// every two seconds at most, and spends no restart: it is a state of the store, not a fault of the loop. Any other
/// failure takes a restart from the budget and waits longer each time (half a second, then one, then two), so a
/// fault that comes straight back cannot spend the budget in a moment; once it is spent the supervisor stops.
/// </summary>
internal sealed class LoopRecovery(RestartBudget budget)
{
    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FirstRestartWait = TimeSpan.FromMilliseconds(500);

    private TimeSpan _troubleWait;

    public RestartBudget Budget => budget;

    /// <summary>The next step after <paramref name="error"/> (whose store trouble, if any, is <paramref name="trouble"/>); null when the loop must stop.</summary>
    public RecoveryStep? After(Exception error, StorageUnavailableException? trouble, DateTimeOffset now)
    {
        if (error is ConcurrencyConflictException)
        {
            // Another supervisor wrote to the store: it is not this one's any more.
            return null;
        }

        if (trouble is not null)
        {
            _troubleWait = _troubleWait == TimeSpan.Zero ? FirstWait : TimeSpan.FromTicks(Math.Min(_troubleWait.Ticks * 2, LongestWait.Ticks));
            return new RecoveryStep(_troubleWait, 0);
        }

        var restart = budget.TryTake(now);
        return restart == 0 ? null : new RecoveryStep(FirstRestartWait * (1 << (restart - 1)), restart);
    }

    /// <summary>
    /// Waits out <paramref name="step"/>: a restart on <paramref name="time"/>, the store's trouble on the real clock, as
    /// the database server keeps it. False when <paramref name="stopping"/> completes first.
    /// </summary>
    public static async Task<bool> WaitAsync(RecoveryStep step, TimeProvider time, Task stopping, CancellationToken cancellationToken)
    {
        var wait = step.Restart > 0 ? Task.Delay(step.Wait, time, cancellationToken) : Task.Delay(step.Wait, cancellationToken);
        if (await Task.WhenAny(wait, stopping).ConfigureAwait(false) != wait)
        {
            return false;
        }

        await wait.ConfigureAwait(false);
        return true;
    }

    /// <summary>The store answered again: the next trouble starts from the shortest wait.</summary>
    public void Recovered() => _troubleWait = TimeSpan.Zero;
}

/// <summary>Wait <paramref name="Wait"/>, then reload the store; <paramref name="Restart"/> is the restart taken from the budget, 0 for the store's trouble.</summary>
internal readonly record struct RecoveryStep(TimeSpan Wait, int Restart);
