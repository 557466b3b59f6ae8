namespace Hearth.Core.Reservations;

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
