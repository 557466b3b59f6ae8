using System.Text.Json;

namespace Hearth.Protocol.Rest;

/// <summary>
/// A scheduled window: from each occurrence of the cron expression <paramref name="Start"/> to the next of
/// <paramref name="End"/>, keep <paramref name="Count"/> instances instead of the reservation's count.
/// </summary>
public sealed record ScheduleWindowBody(string? Start, string? End, JsonElement? Count);
