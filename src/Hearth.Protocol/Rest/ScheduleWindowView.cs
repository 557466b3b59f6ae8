namespace Hearth.Protocol.Rest;

public sealed record ScheduleWindowView(string Start, string End, int Count);
