using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Jobs;

/// <summary>
/// What a submission fixes besides the command and its reservations: how many times a failed subjob runs again and
/// after how long, and which jobs must complete first.
/// </summary>
public sealed record JobControls(int Retries, TimeSpan RetryDelay, IReadOnlyList<long> DependsOn)
{
    public static readonly JobControls None = new(0, TimeSpan.Zero, []);

    internal JobControlsRecord? ToRecord(IReadOnlyCollection<long> waiting) =>
        Retries == 0 && RetryDelay == TimeSpan.Zero && DependsOn.Count == 0
            ? null
            : new JobControlsRecord(Retries, (long)RetryDelay.TotalMilliseconds, DependsOn, [.. waiting]);

    internal static JobControls From(JobControlsRecord? record) =>
        record is null ? None : new JobControls(record.Retries, TimeSpan.FromMilliseconds(record.RetryDelayMs), record.DependsOn);
}
