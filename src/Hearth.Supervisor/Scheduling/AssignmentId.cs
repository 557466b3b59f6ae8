using System.Globalization;

namespace Hearth.Supervisor.Scheduling;

/// <summary>An attempt of a subjob on the wire: <c>JOB.INDEX.ATTEMPT</c>.</summary>
public readonly record struct AssignmentId(long JobId, int Index, int Attempt)
{
    public static bool TryParse(string text, out AssignmentId id)
    {
        id = default;
        var parts = text.Split('.');
        if (parts.Length != 3
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var job)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt))
        {
            return false;
        }

        id = new AssignmentId(job, index, attempt);
        return true;
    }

    public string WorkId => string.Create(CultureInfo.InvariantCulture, $"{JobId}.{Index}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{JobId}.{Index}.{Attempt}");
}
