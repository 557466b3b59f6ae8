namespace Hearth.Supervisor.Scheduling;

/// <summary>The loop's instance steps: the pool's commands, reservations and the warm-pool policy, and the hand-over after commit.</summary>
public sealed partial class Scheduler
{
    private DateTimeOffset? _instancesDue;
    private DateTimeOffset? _reservationsDue;
    private long _cycles;

    /// <summary>How many cycles the loop has run: each is one commit at most, so tests count them to bound a flow's cost.</summary>
    public long Cycles => Interlocked.Read(ref _cycles);

    private void HandleInstanceWork(InstanceWorkCommand command)
    {
        if (command.Submit.Count > 0)
        {
            _state.Instances?.Submit(command.Submit, _fx);
        }

        if (command.Release is { } id)
        {
            _state.Instances?.Release(id, _fx);
        }
    }

    /// <summary>
    /// After placement: reservations, then the warm-pool policy. Instances a reservation starts are queued and placed
    /// in this same cycle, so a reserved instance is on its way to a worker one cycle after its reservation changed.
    /// </summary>
    private void RunInstanceSteps()
    {
        // After a restart, reservations wait for the workers to report the instances that survived (or to time
        // out), so they take those back instead of cold-starting duplicates; and a cycle that adopted or lost
        // instances lets the pool learn it (after the commit) before reservations look at the pool.
        if (_reservations is not null && !_state.AwaitingWorkers)
        {
            if (_fx.Instances.Exists(e => e is InstanceAdopted or InstanceLost))
            {
                _reservationsDue = _time.GetUtcNow();
            }
            else
            {
                var pass = _reservations.Reconcile(_state.Cluster, _time.GetUtcNow());
                _reservationsDue = pass.NextDue;
                if (pass.Started.Count > 0 && _state.Instances is { } instances)
                {
                    instances.Submit(pass.Started, _fx);
                    _state.Place(_fx);
                }
            }
        }

        _instancesDue = _state.Instances?.Tick(_fx);
    }

    /// <summary>After the commit: the published sessions first (a placement may start an instance on a session accepted this cycle), then the pool.</summary>
    private void HandOverInstances()
    {
        if (_fx.WorkersChanged || _fx.SessionsToClose.Count > 0)
        {
            _sessions.Publish(_state.Workers);
        }

        if (_fx.Instances.Count > 0 && _instances is not null)
        {
            _instancesDue = Earliest(_instancesDue, _instances.Apply(_fx.Instances));
        }
    }

    /// <summary>The earliest of the next worker expiry, the next warm-pool decision and the next reservation change.</summary>
    private DateTimeOffset? NextWake() => Earliest(Earliest(Earliest(_state.NextExpiry(), _instancesDue), _reservationsDue), _state.NextRetry());

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => (a, b) switch
    {
        ({ } x, { } y) => x < y ? x : y,
        ({ } x, null) => x,
        (null, var y) => y,
    };
}
