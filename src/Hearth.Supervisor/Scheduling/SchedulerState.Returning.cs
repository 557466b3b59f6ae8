namespace Hearth.Supervisor.Scheduling;

internal sealed partial class SchedulerState
{
    private readonly HashSet<string> _returning = new(StringComparer.Ordinal);

    /// <summary>
    /// True after a restart until every worker the store knew as alive has reconnected (reporting its processes
    /// and instances) or been declared down by the heartbeat timeout. Until then the supervisor does not know
    /// what is already running, so decisions that start instances wait rather than duplicate what survived.
    /// </summary>
    public bool AwaitingWorkers => _returning.Count > 0;

    /// <summary>The workers a restarted supervisor is still waiting to hear from.</summary>
    public IReadOnlyCollection<string> Returning => _returning;
}
