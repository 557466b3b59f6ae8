namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// How often the scheduling loop may restart itself: at most <see cref="Max"/> times within <see cref="Window"/>. A
/// failure that comes back that often is not a passing race but a fault a restart will not cure.
/// </summary>
internal sealed class RestartBudget(int max, TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _restarts = new();

    public static RestartBudget Default => new(3, TimeSpan.FromMinutes(1));

    public int Max { get; } = max;

    public TimeSpan Window { get; } = window;

    /// <summary>Takes one restart at <paramref name="now"/> if the budget allows; returns how many it has used in the window, or 0 when it is spent.</summary>
    public int TryTake(DateTimeOffset now)
    {
        while (_restarts.TryPeek(out var first) && first <= now - Window)
        {
            _restarts.Dequeue();
        }

        if (_restarts.Count >= Max)
        {
            return 0;
        }

        _restarts.Enqueue(now);
        return _restarts.Count;
    }
}
