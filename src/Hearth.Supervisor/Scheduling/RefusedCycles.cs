using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// The requests of a cycle whose batch the store refused for what one of them carried (a value it cannot keep, which
/// the checks before applying missed), not for being unreachable: none of the batch was written. The loop rebuilds its
/// state from the store and runs the requests again, one per cycle; alone in its cycle, the one that carried the value
/// fails with the store's reason, and every other is committed and answered as usual.
/// </summary>
internal sealed class RefusedCycles
{
    private readonly Queue<SchedulerCommand> _again = new();

    /// <summary>True while requests wait to run again; they go before anything new in the inbox.</summary>
    public bool Pending => _again.Count > 0;

    public bool TryTake(out SchedulerCommand command) => _again.TryDequeue(out command!);

    /// <summary>Fails every request still waiting to run again: the loop has ended.</summary>
    public void FailAll(Exception error)
    {
        while (_again.TryDequeue(out var command))
        {
            command.Fail(error);
        }
    }

    /// <summary>
    /// Takes a failed commit of <paramref name="taken"/> in hand when <paramref name="error"/> is the store refusing
    /// data and a request can be found to blame: true, and the loop must rebuild its state from the store. False for
    /// any other failure, which the loop handles as before.
    /// </summary>
    public bool TryIsolate(IReadOnlyList<SchedulerCommand> taken, Exception error)
    {
        if (!IsDataRefusal(error) || !taken.Any(c => c.Replayable))
        {
            return false;
        }

        if (taken.Count == 1)
        {
            taken[0].Fail(error as UnstorableValueException ?? new UnstorableValueException($"the store refused this request's data: {error.Message}"));
            return true;
        }

        foreach (var command in taken)
        {
            if (command.Replayable)
            {
                _again.Enqueue(command);
            }
            else
            {
                // A worker's message is not run again: the rebuilt state has the worker register anew.
                command.Fail(new OperationCanceledException("the scheduling loop restarted before this was stored; try again", error));
            }
        }

        return true;
    }

    /// <summary>
    /// A refusal for the data itself: the stores' own check (<see cref="StoredText"/>), a string the driver could not
    /// encode, or PostgreSQL's class 22, "data exception" (22021: a byte sequence its encoding cannot hold).
    /// </summary>
    private static bool IsDataRefusal(Exception error) => error switch
    {
        UnstorableValueException or System.Text.EncoderFallbackException => true,
        Npgsql.PostgresException e => e.SqlState.StartsWith("22", StringComparison.Ordinal),
        _ => error.InnerException is { } inner && IsDataRefusal(inner),
    };
}
