namespace Hearth.Protocol.Rest;

public sealed record JobListView(IReadOnlyList<JobSummaryView> Jobs);
