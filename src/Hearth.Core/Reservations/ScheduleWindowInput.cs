namespace Hearth.Core.Reservations;

/// <summary>One window of a schedule as written: two cron expressions and a count, all still text.</summary>
public sealed record ScheduleWindowInput(string? Start, string? End, string? Count)
{
    /// <summary>
    /// Reads the text form <c>[from] START to END keep COUNT</c>, e.g. <c>0 8 * * MON-FRI to 0 18 * * MON-FRI keep 5</c>.
    /// The parts are only split here; <see cref="ReservationSchedule.Create"/> checks them.
    /// </summary>
    public static ScheduleWindowInput? ParseText(string? text, out string? error)
    {
        error = null;
        var words = (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count > 0 && words[0].Equals("from", StringComparison.OrdinalIgnoreCase))
        {
            words.RemoveAt(0);
        }

        var to = words.FindIndex(w => w.Equals("to", StringComparison.OrdinalIgnoreCase));
        var keep = words.FindIndex(w => w.Equals("keep", StringComparison.OrdinalIgnoreCase));
        if (to <= 0 || keep <= to + 1 || keep != words.Count - 2)
        {
            error = $"\"{text}\" must be written START to END keep COUNT, e.g. \"0 8 * * MON-FRI to 0 18 * * MON-FRI keep 5\"";
            return null;
        }

        return new ScheduleWindowInput(string.Join(' ', words[..to]), string.Join(' ', words[(to + 1)..keep]), words[^1]);
    }
}
