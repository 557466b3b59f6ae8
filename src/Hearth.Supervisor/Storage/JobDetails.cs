namespace Hearth.Supervisor.Storage;

/// <summary>A job with its subjobs and their allocation history, as the read side returns it.</summary>
public sealed record JobDetails(JobRecord Job, IReadOnlyList<SubjobRecord> Subjobs, IReadOnlyList<AllocationChangeRecord> History);
