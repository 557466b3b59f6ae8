namespace Hearth.Protocol.Rest;

public sealed record JobLogsView(long Id, IReadOnlyList<SubjobLogView> Subjobs);
