namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// The scheduling loop's instance steps, in the cycle's order: the warm pool's commands, then (after placement)
/// reservations and the warm-pool policy, and after the commit the hand-over of what the cycle did, to the
/// published sessions and to the pool. It keeps when reservations and the policy want to run again. Loop only.
/// </summary>
internal sealed class LoopInstanceSteps(IInstanceWork? instances, IReservationWork? reservations, WorkerSessions sessions, TimeProvider time)
{
    private DateTimeOffset? _instancesDue;
    private DateTimeOffset? _reservationsDue;

    /// <summary>The earlier of the next warm-pool decision and the next reservation change.</summary>
    public DateTimeOffset? NextDue => Earliest(_instancesDue, _reservationsDue);

    /// <summary>The loop starts over from the store: nothing is due until its first cycle says.</summary>
    public void Reset()
    {
        _instancesDue = null;
        _reservationsDue = null;
    }

    /// <summary>
    /// After placement: reservations, then the warm-pool policy. Instances a reservation starts are queued and placed
    /// in this same cycle, so a reserved instance is on its way to a worker one cycle after its reservation changed.
    /// </summary>
    public void Run(SchedulerState state, CycleEffects fx)
    {
        // After a restart, reservations wait for the workers to report the instances that survived (or to time
        // out), so they take those back instead of cold-starting duplicates; and a cycle that adopted or lost
        // instances lets the pool learn it (after the commit) before reservations look at the pool.
        if (reservations is not null && !state.AwaitingWorkers)
        {
            if (fx.Instances.Exists(e => e is InstanceAdopted or InstanceLost))
            {
                _reservationsDue = time.GetUtcNow();
            }
            else
            {
                var pass = reservations.Reconcile(state.Cluster, time.GetUtcNow());
                _reservationsDue = pass.NextDue;
                if (pass.Started.Count > 0 && state.Instances is { } work)
                {
                    work.Submit(pass.Started, fx);
                    state.Place(fx);
                }
            }
        }

        _instancesDue = state.Instances?.Tick(fx);
    }

    /// <summary>After the commit: the published sessions first (a placement may start an instance on a session accepted this cycle), then the pool.</summary>
    public void HandOver(SchedulerState state, CycleEffects fx)
    {
        if (fx.WorkersChanged || fx.SessionsToClose.Count > 0)
        {
            sessions.Publish(state.Workers);
        }

        if (fx.Instances.Count > 0 && instances is not null)
        {
            _instancesDue = Earliest(_instancesDue, instances.Apply(fx.Instances));
        }
    }

    public static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => (a, b) switch
    {
        ({ } x, { } y) => x < y ? x : y,
        ({ } x, null) => x,
        (null, var y) => y,
    };
}
